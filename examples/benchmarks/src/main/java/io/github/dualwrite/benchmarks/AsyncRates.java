package io.github.dualwrite.benchmarks;

import io.github.dualwrite.DualWriteDataSource;
import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.testing.DbPair;
import io.github.dualwrite.testing.FaultyDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What an ASYNC dual write costs its caller, as a timed harness (not JMH): each call is timed alone and the lanes
 * run between calls, with the calling thread spinning (as a busy application thread keeps its core), so the figure
 * is the caller's own cost while the secondary keeps up. A closed loop faster than the secondary measures a
 * full queue instead (every write then journaled on the caller's thread). Rounds of the three cases are
 * interleaved, so that the machine's drift hits them alike; the ratios divide medians of the same run.
 *
 * <pre>
 * RATIO dualwrite_async_update 1.10          DUAL_WRITE ASYNC update / the same update on the bare old pool (H2)
 * RATIO outage_update_async 1.05             ASYNC with the new side down and the breaker open / bare old (H2)
 * RATIO ..._mariadb                          the same on the local MariaDB
 * </pre>
 *
 * Arguments: {@code --calls N} per case and round (default 2000), {@code --no-mariadb}.
 */
public final class AsyncRates {

    private static final String UPDATE = "UPDATE points_account SET balance = balance + 1 WHERE user_id = ?";
    private static final int USERS = 1_000;
    private static final int ROUNDS = 5;

    private AsyncRates() {
    }

    public static void main(String[] args) throws Exception {
        List<String> a = Arrays.asList(args);
        int calls = a.contains("--calls") ? Integer.parseInt(a.get(a.indexOf("--calls") + 1)) : 2_000;
        run("h2", calls, "");
        if (!a.contains("--no-mariadb")) {
            run("mariadb", calls / 4, "_mariadb");
        }
    }

    private static void run(String db, int calls, String suffix) throws Exception {
        try (DbPair pair = db.equals("h2") ? DbPair.h2("async_rates") : DbPair.mariaDb("async_rates")) {
            for (int user = 1; user <= USERS; user++) {
                pair.updateOld("INSERT INTO points_account (id, user_id, balance) VALUES (?, ?, 0)", user, user);
                pair.updateNew("INSERT INTO points_account (id, user_id, balance) VALUES (?, ?, 0)", user, user);
            }
            javax.sql.DataSource down = FaultyDataSource.wrap(pair.newDataSource()).set(FaultyDataSource.Fault.DOWN).dataSource();
            try (DualWriteDataSource async = EngineBenchmark.dataSource(pair, Stage.DUAL_WRITE, MigrationConfig.WriteMode.ASYNC,
                    pair.newDataSource());
                 DualWriteDataSource outage = EngineBenchmark.dataSource(pair, Stage.DUAL_WRITE, MigrationConfig.WriteMode.ASYNC,
                         down, "dualwrite_journal_outage");
                 Connection bare = pair.oldDataSource().getConnection();
                 Connection asyncConnection = async.getConnection();
                 Connection outageConnection = outage.getConnection()) {
                for (int i = 0; i < 200 && !"OPEN".equals(outage.breakerStates().get(Side.NEW)); i++) {
                    time(outageConnection, outage, i % USERS + 1);
                }
                if (!"OPEN".equals(outage.breakerStates().get(Side.NEW))) {
                    throw new IllegalStateException("the breaker did not open: " + outage.breakerStates());
                }
                long[][] samples = new long[3][calls * ROUNDS];
                for (int round = 0; round <= ROUNDS; round++) { // round 0 warms up
                    for (int i = 0; i < calls; i++) {
                        int user = i % USERS + 1;
                        long b = time(bare, null, user);
                        long s = time(asyncConnection, async, user);
                        long o = time(outageConnection, outage, user);
                        if (round > 0) {
                            int k = (round - 1) * calls + i;
                            samples[0][k] = b;
                            samples[1][k] = s;
                            samples[2][k] = o;
                        }
                    }
                }
                double bareMedian = median(samples[0]);
                double asyncMedian = median(samples[1]);
                double outageMedian = median(samples[2]);
                System.out.printf(Locale.ROOT, "RATIO dualwrite_async_update%s %.3f   (medians %.1f / %.1f us, %d calls each)%n",
                        suffix, asyncMedian / bareMedian, asyncMedian / 1000, bareMedian / 1000, calls * ROUNDS);
                System.out.printf(Locale.ROOT, "RATIO outage_update_async%s %.3f   (medians %.1f / %.1f us)%n",
                        suffix, outageMedian / bareMedian, outageMedian / 1000, bareMedian / 1000);
                if (async.stats().journaled() != 0) {
                    throw new IllegalStateException("the healthy ASYNC data source journaled writes: " + async.stats());
                }
            }
        }
    }

    /** One update's time on the calling thread, then (untimed) a spin until the data source's lanes are idle. */
    private static long time(Connection c, DualWriteDataSource ds, int user) throws SQLException {
        long start = System.nanoTime();
        try (PreparedStatement ps = c.prepareStatement(UPDATE)) {
            ps.setLong(1, user);
            ps.executeUpdate();
        }
        long took = System.nanoTime() - start;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (ds != null && ds.stats().asyncQueued() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        return took;
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
