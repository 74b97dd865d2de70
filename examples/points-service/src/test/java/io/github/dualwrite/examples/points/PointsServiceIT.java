package io.github.dualwrite.examples.points;

import io.github.dualwrite.testing.MariaDbServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.springframework.core.io.ClassPathResource;

/** {@link PointsServiceContract} with the {@code mariadb} profile on fresh databases of the local MariaDB. */
class PointsServiceIT extends PointsServiceContract {

    private final List<String> databases = new ArrayList<>();

    @Override
    List<String> databaseArgs(Path dir) throws IOException {
        String base = MariaDbServer.uniqueName("points");
        String old = base + "_old";
        String n0 = base + "_n0";
        String n1 = base + "_n1";
        for (String db : List.of(old, n0, n1)) {
            MariaDbServer.createDatabase(db);
            databases.add(db);
        }
        run(old, "db/old.sql");
        run(n0, "db/new-shard.sql");
        run(n1, "db/new-shard.sql");
        Path yaml = shardingYaml(dir, "sharding-mariadb.yaml", Map.of(
                "jdbc:mariadb://127.0.0.1:3306/points_new_0", MariaDbServer.url(n0),
                "jdbc:mariadb://127.0.0.1:3306/points_new_1", MariaDbServer.url(n1),
                "username: root", "username: " + MariaDbServer.user(),
                "password: ''", "password: '" + MariaDbServer.password() + "'",
                "points_ss_repo_mariadb", "points_ss_repo_" + base));
        return List.of("--spring.profiles.active=mariadb",
                "--dualwrite.old.jdbc-url=" + MariaDbServer.url(old),
                "--dualwrite.old.username=" + MariaDbServer.user(),
                "--dualwrite.old.password=" + MariaDbServer.password(),
                "--dualwrite.new.sharding-config=file:" + yaml);
    }

    @AfterEach
    void dropDatabases() {
        databases.forEach(MariaDbServer::dropDatabase);
    }

    private static void run(String database, String script) throws IOException {
        String sql = new ClassPathResource(script).getContentAsString(StandardCharsets.UTF_8);
        try (Connection c = DriverManager.getConnection(MariaDbServer.url(database), MariaDbServer.user(),
                MariaDbServer.password()); Statement s = c.createStatement()) {
            for (String statement : sql.split(";")) {
                String trimmed = statement.replaceAll("(?m)^--.*$", "").trim();
                if (!trimmed.isEmpty()) {
                    s.execute(trimmed);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run " + script + " on " + database + ": " + e.getMessage(), e);
        }
    }
}
