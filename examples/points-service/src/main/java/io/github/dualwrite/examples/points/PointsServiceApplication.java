package io.github.dualwrite.examples.points;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The points service: run it, send traffic, flip the stage, watch {@code /actuator/dualwrite}. */
@SpringBootApplication
public class PointsServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(PointsServiceApplication.class, args);
    }
}
