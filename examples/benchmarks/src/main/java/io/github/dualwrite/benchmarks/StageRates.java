package io.github.dualwrite.benchmarks;

import io.github.dualwrite.config.Stage;
import io.github.dualwrite.sync.Repairer;
import io.github.dualwrite.testing.DbPair;
import io.github.dualwrite.testing.FaultyDataSource.Fault;
import io.github.dualwrite.testing.Stack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Figures of the stage ramp on the local MariaDB (old database vs ShardingSphere over two more), timed harness:
 *
 * <pre>
 * RATIO new_primary_vs_read_new 0.95   operations/s of the same 4-thread points workload in NEW_PRIMARY over READ_NEW
 * RATE drain_mariadb 6000              journal entries/s a Repairer drains after an outage of the new side
 * </pre>
 *
 * The workload: each operation locks a user's account ({@code SELECT ... FOR UPDATE}), inserts a detail row
 * without id (the sequence gives it) and moves the balance, in one transaction; 200 users of which 50 take
 * three quarters of the operations, a fixed number per window. READ_NEW and NEW_PRIMARY alternate (twice each) so that drift of the
 * machine hits both alike. The outage: the new side refuses connections while the workload runs, every
 * secondary write is journaled; then the side heals and the journal is drained with the repairer's defaults.
 *
 * <p>Arguments: {@code --quick} (shorter windows, fewer entries).
 */
public final class StageRates {

    static final int THREADS = 4;
    static final int USERS = 200;

    private StageRates() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = Arrays.asList(args).contains("--quick");
        int window = quick ? 2_000 : 8_000;
        int entries = quick ? 20_000 : 90_000;
        Path dir = Files.createTempDirectory("dualwrite-stage-rates");
        try (Stack stack = new Stack(DbPair.mariaDb("stage_rates"), dir)) {
            for (int u = 0; u < USERS; u++) {
                stack.pair().updateOld("INSERT INTO points_account (id, user_id, balance) VALUES (?, ?, 0)", u + 1, user(u));
                stack.pair().updateNew("INSERT INTO points_account (id, user_id, balance) VALUES (?, ?, 0)", u + 1, user(u));
            }
            double[] readNew = new double[2];
            double[] newPrimary = new double[2];
            for (int round = 0; round < 2; round++) {
                stack.stage(Stage.READ_NEW);
                readNew[round] = opsPerSecond(stack, window);
                stack.stage(Stage.NEW_PRIMARY);
                newPrimary[round] = opsPerSecond(stack, window);
            }
            double rn = (readNew[0] + readNew[1]) / 2;
            double np = (newPrimary[0] + newPrimary[1]) / 2;
            System.out.printf(Locale.ROOT, "RATIO new_primary_vs_read_new %.3f   (NEW_PRIMARY %.0f ops/s, READ_NEW %.0f ops/s)%n",
                    np / rn, np, rn);

            stack.stage(Stage.DUAL_WRITE);
            stack.newSide().set(Fault.DOWN);
            long made = journalWrites(stack, entries);
            stack.newSide().set(Fault.NONE);
            stack.dataSource().resetCircuitBreakers();
            stack.awaitOutagesClosed(); // the skipped writes' entries are stored in batches: count them all
            long pending = stack.dataSource().journal().pendingCount();
            try (Repairer repairer = Repairer.builder(stack.dataSource().journal(), stack.dataSource().rowSync())
                    .owner("drain-rate").build()) {
                long start = System.nanoTime();
                Repairer.DrainResult drained = repairer.drain(Duration.ofMinutes(30));
                double seconds = (System.nanoTime() - start) / 1e9;
                if (!drained.drained()) {
                    throw new IllegalStateException("drain did not finish: " + drained);
                }
                System.out.printf(Locale.ROOT, "RATE drain_mariadb %.0f   (%d entries from %d writes in %.1f s)%n",
                        pending / seconds, pending, made, seconds);
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static long user(int i) {
        return 10_000L + i * 50L;
    }

    private static long pickUser() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return user(r.nextInt(4) == 0 ? r.nextInt(USERS) : r.nextInt(50) * 4);
    }

    /** Runs {@code total} operations of the workload on four threads; operations per second. */
    private static double opsPerSecond(Stack stack, int total) throws Exception {
        AtomicLong left = new AtomicLong(total);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> workers = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < THREADS; t++) {
            workers.add(pool.submit(() -> {
                while (left.getAndDecrement() > 0) {
                    operation(stack, pickUser());
                }
                return null;
            }));
        }
        for (Future<?> f : workers) {
            f.get(10, TimeUnit.MINUTES);
        }
        pool.shutdown();
        return total / ((System.nanoTime() - start) / 1e9);
    }

    /** Runs the workload until the journal holds {@code entries}; returns the operations run. */
    private static long journalWrites(Stack stack, int entries) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong ops = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            workers.add(pool.submit(() -> {
                while (running.get()) {
                    operation(stack, pickUser());
                    if (ops.incrementAndGet() * 2 >= entries) {
                        running.set(false); // two entries per operation: the detail and the account
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : workers) {
            f.get(30, TimeUnit.MINUTES);
        }
        pool.shutdown();
        return ops.get();
    }

    private static void operation(Stack stack, long user) throws SQLException {
        try (Connection c = stack.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement lock = c.prepareStatement("SELECT balance FROM points_account WHERE user_id = ? FOR UPDATE");
                 PreparedStatement insert = c.prepareStatement("INSERT INTO points_detail (user_id, amount, note) VALUES (?, ?, ?)");
                 PreparedStatement balance = c.prepareStatement("UPDATE points_account SET balance = balance + ? WHERE user_id = ?")) {
                lock.setLong(1, user);
                try (ResultSet rs = lock.executeQuery()) {
                    rs.next();
                }
                insert.setLong(1, user);
                insert.setLong(2, 5);
                insert.setString(3, "earn");
                insert.executeUpdate();
                balance.setLong(1, 5);
                balance.setLong(2, user);
                balance.executeUpdate();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }
}
