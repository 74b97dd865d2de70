package io.github.dualwrite.config;

import com.zaxxer.hikari.HikariDataSource;
import io.github.dualwrite.testing.MariaDbServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shared switch in a MariaDB table, polled by two instances. */
class JdbcConfigSourceIT {

    private static final String DB = MariaDbServer.uniqueName("config");
    private static HikariDataSource pool;

    @BeforeAll
    static void createDatabase() {
        MariaDbServer.createDatabase(DB);
        pool = MariaDbServer.pool(DB, 4);
    }

    @AfterAll
    static void dropDatabase() {
        if (pool != null) {
            pool.close();
        }
        MariaDbServer.dropDatabase(DB);
    }

    @Test
    void twoInstancesShareOneSwitch() {
        JdbcConfigSourceTest.checkTwoInstancesShareOneSwitch(pool);
    }
}
