package io.github.dualwrite;

import io.github.dualwrite.config.Side;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * Looks at a side's pool when the data source is built and says what would keep a secondary worker waiting
 * longer than {@code secondary.timeout}. The business call is released at the deadline whatever the pool does
 * (see {@link SecondaryRunner}); these settings decide how long a hung call holds a worker and a connection.
 * HikariCP is read reflectively (it is optional); other pools are not inspected.
 */
final class PoolCheck {

    private PoolCheck() {
    }

    /** Advice for the pool in front of {@code side}; empty when nothing exceeds the timeout or nothing is known. */
    static List<String> advise(DataSource ds, Side side, Duration timeout) {
        List<String> out = new ArrayList<>();
        if (ds == null || !ds.getClass().getName().equals("com.zaxxer.hikari.HikariDataSource")) {
            return out;
        }
        Long connectionTimeout = (Long) call(ds, "getConnectionTimeout");
        String url = (String) call(ds, "getJdbcUrl");
        if (connectionTimeout != null && connectionTimeout > timeout.toMillis()) {
            out.add("the " + side + " side's HikariCP connectionTimeout is " + connectionTimeout + " ms, longer than"
                    + " secondary.timeout " + timeout.toMillis() + " ms: a caller is released at the deadline, but a"
                    + " secondary worker waits for a connection that long; set connectionTimeout to at most "
                    + timeout.toMillis() + " ms");
        }
        String lower = url == null ? "" : url.toLowerCase(Locale.ROOT);
        if ((lower.startsWith("jdbc:mariadb:") || lower.startsWith("jdbc:mysql:")) && !lower.contains("sockettimeout")) {
            out.add("the " + side + " side's JDBC URL sets no socketTimeout: a host that stops answering keeps a"
                    + " secondary worker and its connection until the operating system gives up; add socketTimeout="
                    + Math.max(1_000, timeout.toMillis() * 2) + " (ms) and connectTimeout=" + timeout.toMillis());
        }
        return out;
    }

    private static Object call(Object target, String method) {
        try {
            Method m = target.getClass().getMethod(method);
            return m.invoke(target);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
