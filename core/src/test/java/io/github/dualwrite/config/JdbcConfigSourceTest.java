package io.github.dualwrite.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** The shared switch in a table, on H2; {@code SharedSwitchIT} runs the same checks on MariaDB. */
class JdbcConfigSourceTest {

    static final String DOC = """
            units:
              points:
                routing-column: user_id
                tables: { points_account: { id-source: SEQUENCE }, points_detail: { id-source: SEQUENCE } }
                stage: OLD_ONLY
            """;

    static DataSource h2(String name) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1;MODE=MySQL");
        return ds;
    }

    @Test
    void anUnreachableTableFailsAtStartWithTheFix() {
        JdbcDataSource broken = new JdbcDataSource();
        broken.setURL("jdbc:h2:mem:x;IFEXISTS=TRUE");
        MigrationControl control = MigrationControl.empty(java.time.Clock.systemUTC());
        assertThatThrownBy(() -> JdbcConfigSource.builder(broken, control).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot create dualwrite config table dualwrite_config")
                .hasMessageContaining("CREATE TABLE IF NOT EXISTS dualwrite_config");
        assertThatThrownBy(() -> JdbcConfigSource.builder(broken, control).table("bad name"))
                .hasMessageContaining("not a plain identifier");
    }
}
