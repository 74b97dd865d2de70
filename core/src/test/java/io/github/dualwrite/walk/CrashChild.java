package io.github.dualwrite.walk;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.dualwrite.DualWriteDataSource;
import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.ids.SegmentSequence;
import io.github.dualwrite.testing.Stack;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.apache.shardingsphere.driver.api.yaml.YamlShardingSphereDataSourceFactory;

/**
 * The application the reliability suite kills with SIGKILL (scenario "process_killed"): a dual-write data source
 * over the databases the parent names, 4 writers running points-ledger transactions on the parent's users
 * until the process dies. Each transaction the application was told committed is appended to the ledger file
 * ({@code user id amount micros}) and flushed before the next one starts, so the file holds exactly the
 * acknowledged writes (a kill between a commit and its line leaves one unacknowledged write per writer).
 *
 * <p>Arguments: old JDBC URL, ShardingSphere YAML file, sequence JDBC URL, SYNC|ASYNC, ledger file, journal
 * file, then the user ids.
 */
public final class CrashChild {

    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        HikariDataSource old = pool(args[0]);
        DataSource neu = YamlShardingSphereDataSourceFactory.createDataSource(Files.readAllBytes(Path.of(args[1])));
        HikariDataSource ids = pool(args[2]);
        MigrationConfig.WriteMode mode = MigrationConfig.WriteMode.valueOf(args[3]);
        Path ledger = Path.of(args[4]);
        long[] users = new long[args.length - 6];
        for (int i = 6; i < args.length; i++) {
            users[i - 6] = Long.parseLong(args[i]);
        }
        MigrationControl control = MigrationControl.empty(Clock.systemUTC());
        MigrationConfig doc = Stack.config(Stage.DUAL_WRITE, Stage.DUAL_WRITE, 0, MigrationConfig.UnkeyedPolicy.EXECUTE_BOTH);
        control.apply(doc.withSecondary(new MigrationConfig.Secondary(mode, Duration.ofSeconds(2),
                MigrationConfig.CircuitBreaker.DEFAULTS)), "crash-child").orThrow();
        DualWriteDataSource ds = DualWriteDataSource.builder().oldDataSource(old).newDataSource(neu).control(control)
                .journalFile(Path.of(args[5])).sequence(SegmentSequence.builder(ids).step(100).build()).build();
        try (BufferedWriter out = Files.newBufferedWriter(ledger, StandardCharsets.UTF_8)) {
            Thread[] writers = new Thread[4];
            for (int w = 0; w < writers.length; w++) {
                writers[w] = new Thread(() -> write(ds, users, out), "crash-writer-" + w);
                writers[w].start();
            }
            for (Thread t : writers) {
                t.join(); // never: the parent kills the process
            }
        }
    }

    private static HikariDataSource pool(String url) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(url);
        c.setUsername("root");
        c.setPassword("");
        c.setMaximumPoolSize(8);
        return new HikariDataSource(c);
    }

    private static void write(DualWriteDataSource ds, long[] users, BufferedWriter out) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (true) {
            long user = users[random.nextInt(4) == 0 ? random.nextInt(users.length) : random.nextInt(Math.min(50, users.length))];
            long amount = 1 + random.nextInt(100);
            long start = System.nanoTime();
            try {
                long id = insertDetail(ds, user, amount);
                long micros = (System.nanoTime() - start) / 1_000;
                synchronized (out) {
                    out.write(user + " " + id + " " + amount + " " + micros + "\n");
                    out.flush();
                }
            } catch (SQLException | IOException | RuntimeException e) {
                System.err.println("crash-child: business error: " + e);
            }
        }
    }

    private static long insertDetail(DualWriteDataSource ds, long user, long amount) throws SQLException {
        try (Connection c = ds.getConnection()) {
            return PointsLedger.earn(c, user, amount);
        }
    }
}
