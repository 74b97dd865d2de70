package io.github.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.github.dualwrite.config.Side;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PoolCheckTest {

    @Test
    void aPoolWithTheDefaultsOfHikariAndNoSocketTimeoutIsNamedWithTheFix() {
        try (HikariDataSource pool = new HikariDataSource()) { // lazy: never connects here
            pool.setJdbcUrl("jdbc:mariadb://127.0.0.1:3306/app");
            assertThat(PoolCheck.advise(pool, Side.NEW, Duration.ofSeconds(2))).satisfiesExactly(
                    a -> assertThat(a).contains("NEW side's HikariCP connectionTimeout is 30000 ms")
                            .contains("set connectionTimeout to at most 2000 ms"),
                    a -> assertThat(a).contains("sets no socketTimeout").contains("socketTimeout=4000"));
        }
    }

    @Test
    void aPoolBoundedByTheTimeoutNeedsNoAdvice() {
        try (HikariDataSource pool = new HikariDataSource()) {
            pool.setJdbcUrl("jdbc:mariadb://127.0.0.1:3306/app?socketTimeout=4000&connectTimeout=2000");
            pool.setConnectionTimeout(2_000);
            assertThat(PoolCheck.advise(pool, Side.OLD, Duration.ofSeconds(2))).isEmpty();
            assertThat(PoolCheck.advise(new org.h2.jdbcx.JdbcDataSource(), Side.OLD, Duration.ofSeconds(2))).isEmpty();
        }
    }
}
