package io.github.dualwrite.spring.txapp;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.ComponentScan;

/** The application of the transactional routing tests: JdbcTemplate, MyBatis and JPA on the starter's DataSource. */
@SpringBootConfiguration
@EnableAutoConfiguration
@ComponentScan
public class TxApp {
}
