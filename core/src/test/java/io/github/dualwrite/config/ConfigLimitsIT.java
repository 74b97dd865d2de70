package io.github.dualwrite.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dualwrite.testing.MariaDbDatabase;
import io.github.dualwrite.testing.Poll;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The 60 KB aliased document through the config table on MariaDB, then a valid version (issue 14, item 1). */
class ConfigLimitsIT {

    @RegisterExtension
    static final MariaDbDatabase DB = new MariaDbDatabase("cfglimits", 2);

    @Test
    void theTablePollerRejectsTheBombThenAppliesAValidVersion() throws Exception {
        DataSource ds = DB.pool();
        MigrationControl control = MigrationControl.empty(Clock.systemUTC());
        try (JdbcConfigSource source = JdbcConfigSource.builder(ds, control).pollInterval(Duration.ofMillis(50)).build()) {
            String bomb = ConfigLimitsTest.aliasBomb();
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "REPLACE INTO dualwrite_config (name, version, format, document, updated_by, updated_at)"
                            + " VALUES ('default', 1, 'YAML', ?, 'someone', CURRENT_TIMESTAMP)")) {
                ps.setString(1, bomb);
                ps.executeUpdate();
            }
            Poll.until(Duration.ofSeconds(30), () -> control.rejectedCount() == 1);
            assertThat(control.current().version()).isZero();
            source.publish(ConfigLimitsTest.VALID, MigrationConfig.Format.YAML, "test");
            Poll.until(Duration.ofSeconds(30), () -> control.current().config().unit("points").isPresent());
            assertThat(source.pollFailures()).isZero();
        }
    }
}
