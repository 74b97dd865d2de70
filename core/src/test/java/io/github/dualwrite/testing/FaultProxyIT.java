package io.github.dualwrite.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fault proxy in front of the local MariaDB, seen through MariaDB Connector/J and HikariCP. */
@Timeout(120) // a guard against a hang, not a timing assertion
class FaultProxyIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String SERVER = MariaDbServer.url("");

    private FaultProxy proxy;
    private final List<Connection> connections = new ArrayList<>();

    @BeforeEach
    void start() {
        proxy = FaultProxy.inFrontOf(SERVER);
    }

    @AfterEach
    void stop() {
        for (Connection connection : connections) {
            try {
                connection.close();
            } catch (SQLException e) {
                // broken on purpose
            }
        }
        proxy.close();
    }

    @Test
    void passAnswersQueriesAndCountsTheTraffic() throws SQLException {
        Connection connection = connect("connectTimeout=10000&socketTimeout=10000");

        assertThat(selectOne(connection)).isEqualTo(1);
        assertThat(proxy.acceptedConnections()).isEqualTo(1);
        assertThat(proxy.openConnections()).isEqualTo(1);
        assertThat(proxy.bytesToTarget()).isPositive();
        assertThat(proxy.bytesToClient()).isPositive();
    }

    @Test
    void refuseFailsNewConnectionsWithARefusalNotATimeout() throws SQLException {
        Connection open = connect("connectTimeout=30000&socketTimeout=30000");
        proxy.refuse();

        // the connect timeout is 30 s: a ConnectException at the root means the driver was refused, not timed out
        assertThatThrownBy(() -> connect("connectTimeout=30000"))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(causes(e)).anyMatch(ConnectException.class::isInstance));
        assertThat(selectOne(open)).isEqualTo(1);

        proxy.pass();
        assertThat(selectOne(connect("connectTimeout=30000"))).isEqualTo(1);
    }

    @Test
    void blackholeHangsAQueryUntilTheSocketTimeoutAndAConnectUntilTheConnectTimeout() throws SQLException {
        Connection open = connect("connectTimeout=10000&socketTimeout=500");
        assertThat(selectOne(open)).isEqualTo(1);
        proxy.blackhole();

        long start = System.nanoTime();
        assertThatThrownBy(() -> selectOne(open))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(causes(e)).anyMatch(SocketTimeoutException.class::isInstance));
        assertThat(elapsedSince(start)).isGreaterThanOrEqualTo(Duration.ofMillis(500));

        start = System.nanoTime();
        assertThatThrownBy(() -> connect("connectTimeout=500"))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(causes(e)).anyMatch(SocketTimeoutException.class::isInstance));
        assertThat(elapsedSince(start)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
        assertThat(proxy.acceptedConnections()).isEqualTo(2); // TCP connected: it waited for the greeting

        proxy.pass();
        assertThat(selectOne(connect("connectTimeout=10000&socketTimeout=10000"))).isEqualTo(1);
    }

    @Test
    void resetBreaksOpenConnectionsOnBothSidesAndNewOnesUntilHealed() throws SQLException {
        Connection open = connect("connectTimeout=10000&socketTimeout=10000");
        long serverThread = connectionId(open);

        proxy.reset();

        assertThatThrownBy(() -> selectOne(open))
                .isInstanceOf(SQLNonTransientConnectionException.class)
                .satisfies(e -> assertThat(causes(e)).anyMatch(t -> t instanceof SocketException
                        && String.valueOf(t.getMessage()).contains("reset")));
        assertThat(open.isValid(5)).isFalse();
        try (Connection admin = DriverManager.getConnection(SERVER, MariaDbServer.user(), MariaDbServer.password())) {
            Poll.until(DEADLINE, () -> !serverHas(admin, serverThread));
        }
        assertThatThrownBy(() -> connect("connectTimeout=10000")).isInstanceOf(SQLException.class);
        assertThat(proxy.resetConnections()).isGreaterThanOrEqualTo(2);

        proxy.pass();
        assertThat(selectOne(connect("connectTimeout=10000&socketTimeout=10000"))).isEqualTo(1);
    }

    @Test
    void latencyMakesEachRoundTripTakeAtLeastTwiceTheDelay() throws SQLException {
        Connection connection = connect("connectTimeout=10000&socketTimeout=10000");
        assertThat(selectOne(connection)).isEqualTo(1);
        Duration delay = Duration.ofMillis(200);

        proxy.latency(delay);
        long start = System.nanoTime();
        assertThat(selectOne(connection)).isEqualTo(1);
        assertThat(elapsedSince(start)).isGreaterThanOrEqualTo(delay.multipliedBy(2));

        proxy.latency(delay, FaultProxy.Direction.TO_TARGET);
        start = System.nanoTime();
        assertThat(selectOne(connection)).isEqualTo(1);
        assertThat(elapsedSince(start)).isGreaterThanOrEqualTo(delay);
    }

    @Test
    void flapAlternatesBetweenServingAndRefusing() {
        proxy.flap(Duration.ofMillis(300), Duration.ofMillis(300), FaultProxy.Mode.REFUSE);
        AtomicBoolean served = new AtomicBoolean();
        AtomicBoolean refused = new AtomicBoolean();

        Poll.until(DEADLINE, () -> {
            try (Connection connection = DriverManager.getConnection(proxy.jdbcUrl(SERVER) + "&connectTimeout=5000",
                    MariaDbServer.user(), MariaDbServer.password())) {
                served.compareAndSet(false, selectOne(connection) == 1);
            } catch (SQLException e) {
                refused.compareAndSet(false, causes(e).stream().anyMatch(ConnectException.class::isInstance));
            }
            return served.get() && refused.get();
        });
    }

    @Test
    void aHikariPoolWithDriverTimeoutsFailsInsteadOfHangingAndRecovers() throws SQLException {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(proxy.jdbcUrl(SERVER) + "&connectTimeout=1000&socketTimeout=1000");
        config.setUsername(MariaDbServer.user());
        config.setPassword(MariaDbServer.password());
        config.setMaximumPoolSize(2);
        config.setConnectionTimeout(1000);
        config.setValidationTimeout(500);
        config.setPoolName("fault-proxy-it");
        try (HikariDataSource pool = new HikariDataSource(config)) {
            assertThat(selectOne(pool)).isEqualTo(1);

            proxy.blackhole();
            assertThatThrownBy(() -> selectOne(pool)).isInstanceOf(SQLException.class);

            proxy.pass();
            AtomicBoolean answered = new AtomicBoolean();
            Poll.until(DEADLINE, () -> {
                try {
                    answered.set(selectOne(pool) == 1);
                } catch (SQLException e) {
                    answered.set(false);
                }
                return answered.get();
            });
        }
    }

    private Connection connect(String parameters) throws SQLException {
        Connection connection = DriverManager.getConnection(proxy.jdbcUrl(SERVER) + "&" + parameters,
                MariaDbServer.user(), MariaDbServer.password());
        connections.add(connection);
        return connection;
    }

    private static int selectOne(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("SELECT 1")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static int selectOne(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return selectOne(connection);
        }
    }

    private static long connectionId(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT CONNECTION_ID()")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static boolean serverHas(Connection admin, long thread) {
        try (Statement statement = admin.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = " + thread)) {
            rows.next();
            return rows.getInt(1) > 0;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Throwable> causes(Throwable error) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = error; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    private static Duration elapsedSince(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
