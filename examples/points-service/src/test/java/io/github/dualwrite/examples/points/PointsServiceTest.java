package io.github.dualwrite.examples.points;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** {@link PointsServiceContract} on the shipped H2 configuration (fresh in-memory databases per test). */
class PointsServiceTest extends PointsServiceContract {

    private static final AtomicInteger RUN = new AtomicInteger();

    @Override
    List<String> databaseArgs(Path dir) throws IOException {
        String unique = "t" + RUN.incrementAndGet() + "_" + ProcessHandle.current().pid();
        Path yaml = shardingYaml(dir, "sharding.yaml", Map.of("points_new_", "points_new_" + unique + "_",
                "points_ss_repo", "points_ss_repo_" + unique));
        return List.of("--dualwrite.old.jdbc-url=jdbc:h2:mem:points_old_" + unique + ";MODE=MySQL;DB_CLOSE_DELAY=-1;"
                        + "DATABASE_TO_UPPER=FALSE;INIT=RUNSCRIPT FROM 'classpath:db/old.sql'",
                "--dualwrite.new.sharding-config=file:" + yaml);
    }
}
