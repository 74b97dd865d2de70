package io.github.dualwrite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dualwrite.journal.JournalEntry;
import io.github.dualwrite.testing.DbPair;
import io.github.dualwrite.testing.FaultyDataSource.Fault;
import io.github.dualwrite.testing.StackContract;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Convergence (G3): verify finds exactly what was corrupted and repair fixes it; backfill under concurrent
 * writers, RowSync racing writers and two repairers side by side all end with verify = 0 differences.
 */
abstract class SyncContract extends StackContract {

    static final int USERS = 60;

    RowSync rowSync;
    Checkpoints checkpoints;

    @BeforeAll
    void setUp() {
        rowSync = new RowSync(pair.oldDataSource(), pair.newDataSource(), stack.control());
        checkpoints = new Checkpoints(pair.oldDataSource());
    }

    @BeforeEach
    void reset() {
        pair.updateOld("CREATE TABLE IF NOT EXISTS " + Checkpoints.DEFAULT_TABLE + " (job VARCHAR(200) NOT NULL PRIMARY KEY,"
                + " position VARCHAR(255) NULL, rows_done BIGINT NOT NULL, finished INT NOT NULL, updated_at TIMESTAMP NULL)");
        pair.updateOld("DELETE FROM " + Checkpoints.DEFAULT_TABLE);
    }

    Verifier.Builder verifier() {
        return Verifier.builder(rowSync, stack.control()).recheck(1, Duration.ZERO).sleeper(d -> { }).chunkSize(100);
    }

    /** Rows on both sides: 5 details per user, ids 1..5*USERS, and one account per user. */
    void seedBoth() {
        for (int user = 1; user <= USERS; user++) {
            for (int k = 0; k < 5; k++) {
                long id = (user - 1) * 5L + k + 1;
                pair.updateOld("INSERT INTO points_detail (id, user_id, amount, note) VALUES (?, ?, ?, 'n')", id, user, id);
                pair.updateNew("INSERT INTO points_detail (id, user_id, amount, note) VALUES (?, ?, ?, 'n')", id, user, id);
            }
            pair.updateOld("INSERT INTO points_account (id, user_id, balance) VALUES (?, ?, 0)", user, user);
            pair.updateNew("INSERT INTO points_account (id, user_id, balance) VALUES (?, ?, 0)", user, user);
        }
    }

    /** Puts a copy of a row into a physical table the router would never pick for its user. */
    void strayCopy(long id, long user) {
        int[] right = DbPair.location(user);
        int wrongTable = (right[1] + 1) % 4;
        DbPair.update(pair.shard(right[0]), "INSERT INTO points_detail_" + wrongTable
                + " (id, user_id, amount, note) VALUES (?, ?, ?, 'n')", id, user, id);
    }

    @Test
    void verifyFindsExactlyTheCorruptedRowsAndRepairFixesThem() throws Exception {
        seedBoth();
        pair.updateNew("DELETE FROM points_detail WHERE id = 10 AND user_id = 2");          // missing
        pair.updateNew("INSERT INTO points_detail (id, user_id, amount, note) VALUES (9999, 7, 1, 'x')"); // extra
        pair.updateNew("UPDATE points_detail SET amount = -1 WHERE id = 20 AND user_id = 4"); // different
        strayCopy(30, 6);                                                                     // wrong shard
        Verifier.Report report = verifier().build().full("points");
        assertThat(report.rows()).isGreaterThanOrEqualTo(USERS * 6L);
        assertThat(report.missing()).isEqualTo(1);
        assertThat(report.extra()).isEqualTo(2);
        assertThat(report.different()).isEqualTo(1);
        assertThat(report.differences()).extracting(Verifier.Difference::kind, Verifier.Difference::primaryKey).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(Verifier.Difference.Kind.MISSING_IN_NEW, "10"),
                org.assertj.core.groups.Tuple.tuple(Verifier.Difference.Kind.EXTRA_IN_NEW, "9999"),
                org.assertj.core.groups.Tuple.tuple(Verifier.Difference.Kind.DIFFERENT, "20"),
                org.assertj.core.groups.Tuple.tuple(Verifier.Difference.Kind.DUPLICATE_IN_NEW, "30"));
        assertThat(report.differences()).filteredOn(d -> d.kind() == Verifier.Difference.Kind.DIFFERENT)
                .singleElement().extracting(Verifier.Difference::columns).asList().containsExactly("amount");
        assertThat(report.line()).startsWith("VERIFY unit=points rows=").contains("missing=1 extra=2 different=1");

        Verifier.Report repaired = verifier().repair(true).build().full("points");
        assertThat(repaired.repaired()).isEqualTo(4);
        Verifier.Report after = verifier().build().full("points");
        assertThat(after.equal()).as(after.toString()).isTrue();
        assertThat(pair.countNew("points_detail")).isEqualTo(USERS * 5L);
    }

    @Test
    void theOtherModesFindTheirDifferences() throws Exception {
        seedBoth();
        pair.updateNew("UPDATE points_detail SET amount = -1 WHERE id = 20 AND user_id = 4");
        pair.updateNew("DELETE FROM points_account WHERE user_id = 5");
        assertThat(verifier().build().keys("points", List.of(4L, 5L)).missing()).isEqualTo(1);
        assertThat(verifier().build().keys("points", List.of(4L)).different()).isEqualTo(1);
        assertThat(verifier().build().keys("points", List.of(8L)).equal()).isTrue();
        pair.updateOld("UPDATE points_detail SET gmt_modified = ? WHERE id = 20", java.sql.Timestamp.valueOf("2026-11-21 10:00:00"));
        pair.updateOld("UPDATE points_account SET gmt_modified = ? WHERE user_id = 5", java.sql.Timestamp.valueOf("2026-11-21 10:00:00"));
        Verifier.Report since = verifier().build().since("points", java.time.LocalDateTime.of(2026, 11, 21, 9, 0)
                .atZone(java.time.ZoneId.systemDefault()).toInstant());
        assertThat(since.different() + since.missing()).isEqualTo(2);
        assertThat(since.rows()).isLessThan(10);
        Verifier.Report sample = verifier().build().sample("points", 3, 42L);
        assertThat(sample.rows()).isPositive();
    }

    @Test
    void keysModeReportsARowThatIsOnlyInAShardTheRouterWouldNotPick() throws Exception {
        seedBoth();
        pair.updateNew("DELETE FROM points_detail WHERE id = 15 AND user_id = 3");
        strayCopy(15, 3); // the row moved to the wrong physical table: reads by user never find it
        Verifier.Report report = verifier().build().keys("points", List.of(3L));
        assertThat(report.missing()).as(report.toString()).isEqualTo(1);
        assertThat(report.differences()).extracting(Verifier.Difference::primaryKey).containsExactly("15");
    }

    @Test
    void sinceComparesEveryChangedRowWhenOneSidesWindowRunsAheadOfTheOther() throws Exception {
        seedBoth();
        java.sql.Timestamp changed = java.sql.Timestamp.valueOf("2026-11-21 10:00:00");
        // old: ids 1..150 and 280 changed; new: only 280 changed, so its window ends far beyond the old one's
        pair.updateOld("UPDATE points_detail SET gmt_modified = ? WHERE id <= 150 OR id = 280", changed);
        pair.updateNew("UPDATE points_detail SET gmt_modified = ? WHERE id = 280", changed);
        Verifier.Report since = verifier().build().since("points", java.time.LocalDateTime.of(2026, 11, 21, 9, 0)
                .atZone(java.time.ZoneId.systemDefault()).toInstant());
        assertThat(since.different()).as(since.toString()).isEqualTo(150);
        assertThat(since.missing() + since.extra()).isZero();
    }

    @Test
    void aKilledVerificationContinuesFromItsCheckpoint() throws Exception {
        seedBoth();
        AtomicInteger chunks = new AtomicInteger();
        Progress killer = (job, done, total, rate, eta) -> {
            if (job.endsWith("points_detail") && chunks.incrementAndGet() == 1) {
                throw new IllegalStateException("killed");
            }
        };
        try {
            verifier().checkpoints(checkpoints).progress(killer).build().full("points");
        } catch (IllegalStateException expected) {
            // the process died after its second chunk of points_detail
        }
        long saved = Long.parseLong(checkpoints.position("verify:points:points_detail").orElseThrow());
        assertThat(saved).as("the first chunk's last key").isEqualTo(100);
        Verifier.Report resumed = verifier().checkpoints(checkpoints).build().full("points");
        assertThat(resumed.equal()).isTrue();
        assertThat(resumed.rows()).as("the second run starts after the saved key").isEqualTo(USERS * 5L - saved + USERS);
        assertThat(checkpoints.position("verify:points:points_detail")).isEmpty();
    }

    @Test
    void backfillCopiesEverythingNeverOverwritesNewerAndResumes() throws Exception {
        for (int user = 1; user <= USERS; user++) {
            for (int k = 0; k < 5; k++) {
                long id = (user - 1) * 5L + k + 1;
                pair.updateOld("INSERT INTO points_detail (id, user_id, amount, gmt_modified) VALUES (?, ?, ?, ?)",
                        id, user, id, java.sql.Timestamp.valueOf("2026-11-21 08:00:00"));
            }
        }
        // the new side already has a newer copy of row 7 and an older copy of row 8
        pair.updateNew("INSERT INTO points_detail (id, user_id, amount, gmt_modified) VALUES (7, 2, 777, ?)",
                java.sql.Timestamp.valueOf("2026-11-21 09:00:00"));
        pair.updateNew("INSERT INTO points_detail (id, user_id, amount, gmt_modified) VALUES (8, 2, 888, ?)",
                java.sql.Timestamp.valueOf("2026-11-21 07:00:00"));
        AtomicInteger chunks = new AtomicInteger();
        Progress killer = (job, done, total, rate, eta) -> {
            if (chunks.incrementAndGet() == 2) {
                throw new IllegalStateException("killed");
            }
        };
        try {
            Backfill.builder(rowSync, stack.control()).threads(1).chunkSize(50).checkpoints(checkpoints)
                    .progress(killer).build().run("points");
        } catch (IllegalStateException expected) {
            // killed after two chunks
        }
        assertThat(pair.countNew("points_detail")).isEqualTo(100);
        Backfill.Report report = Backfill.builder(rowSync, stack.control()).threads(1).chunkSize(50)
                .checkpoints(checkpoints).build().run("points");
        assertThat(report.scanned()).as("continues after the checkpoint").isEqualTo(USERS * 5L - 100);
        assertThat(pair.countNew("points_detail")).isEqualTo(USERS * 5L);
        assertThat(pair.queryNew("SELECT amount FROM points_detail WHERE id = 7")).containsExactly(Map.of("amount", 777L));
        assertThat(pair.queryNew("SELECT amount FROM points_detail WHERE id = 8")).containsExactly(Map.of("amount", 8L));
        assertThat(report.line()).startsWith("BACKFILL unit=points");
    }

    @Test
    void backfillWhileWritersRunConvergesToZeroDifferences() throws Exception {
        for (int user = 1; user <= USERS; user++) {
            pair.updateOld("INSERT INTO points_account (id, user_id, balance) VALUES (?, ?, 0)", user, user);
            for (int k = 0; k < 5; k++) {
                long id = (user - 1) * 5L + k + 1;
                pair.updateOld("INSERT INTO points_detail (id, user_id, amount) VALUES (?, ?, 0)", id, user);
            }
        }
        try (Writers writers = new Writers(3)) {
            Backfill.Report report = Backfill.builder(rowSync, stack.control()).threads(2).chunkSize(20).build().run("points");
            assertThat(report.scanned()).isGreaterThanOrEqualTo(USERS * 5L);
            writers.awaitSome(200);
        }
        Repairer.Run run = Repairer.builder(stack.dataSource().journal(), rowSync).owner("test").build().runOnce();
        Verifier.Report report = verifier().build().full("points");
        assertThat(report.equal()).as(report + " " + report.differences() + " " + run + " "
                + stack.journalTable().read(0, 10_000).stream().filter(e -> "54".equals(e.routingKey())).toList()).isTrue();
    }

    @Test
    void rowSyncRacingWritersOnTheSameKeysConverges() throws Exception {
        seedBoth();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Future<?> syncer = pool.submit(() -> {
            while (!stop.get()) {
                for (long user = 1; user <= 6 && !stop.get(); user++) {
                    rowSync.sync("points", "points_account", user);
                }
            }
            return null;
        });
        try (Writers writers = new Writers(2, 6)) {
            // the secondary flaps: some writes reach the new side, some are journaled
            for (int i = 0; i < 6; i++) {
                stack.newSide().set(i % 2 == 0 ? Fault.WRITES : Fault.NONE);
                writers.awaitSome(40);
            }
            stack.newSide().set(Fault.NONE);
        }
        stop.set(true);
        syncer.get(60, TimeUnit.SECONDS);
        pool.shutdown();
        stack.awaitOutagesClosed(); // the skipped writes' entries are stored in the background
        Repairer.builder(stack.dataSource().journal(), rowSync).owner("test").build().runOnce();
        Verifier.Report report = verifier().build().full("points");
        assertThat(report.equal()).as(report + " " + report.differences()).isTrue();
    }

    @Test
    void twoRepairersNeverHandleTheSameEntry() throws Exception {
        seedBoth();
        stack.newSide().set(Fault.WRITES);
        try (Connection c = stack.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE points_account SET balance = balance + 1 WHERE user_id = ?")) {
            for (int round = 0; round < 4; round++) {
                for (long user = 1; user <= USERS; user++) {
                    ps.setLong(1, user);
                    ps.executeUpdate();
                }
            }
        }
        stack.newSide().set(Fault.NONE);
        int entries = USERS * 4;
        stack.awaitOutagesClosed(); // the entries are stored in the background once the breaker opened
        assertThat(stack.dataSource().journal().pendingCount()).isEqualTo(entries);
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger twice = new AtomicInteger();
        Repairer.Listener listener = new Repairer.Listener() {
            @Override
            public void repaired(JournalEntry entry, RowSync.Result result) {
                if (!seen.add(entry.id())) {
                    twice.incrementAndGet();
                }
            }
        };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<Repairer.Run>> runs = new ArrayList<>();
        for (String owner : List.of("a", "b")) {
            Repairer r = Repairer.builder(stack.dataSource().journal(), rowSync).owner(owner).batchSize(7)
                    .listener(listener).build();
            runs.add(pool.submit(() -> r.drain(Duration.ofMinutes(1)).run()));
        }
        int repaired = 0;
        for (Future<Repairer.Run> f : runs) {
            repaired += f.get(120, TimeUnit.SECONDS).repaired();
        }
        pool.shutdown();
        assertThat(twice.get()).isZero();
        assertThat(repaired).isEqualTo(entries);
        assertThat(seen).hasSize(entries);
        assertThat(stack.dataSource().journal().pendingCount()).isZero();
        assertThat(verifier().build().full("points").equal()).isTrue();
    }

    /** Threads writing random rows of random users through dual write until closed. */
    final class Writers implements AutoCloseable {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicInteger done = new AtomicInteger();
        private final ExecutorService pool;
        private final List<Future<?>> futures = new ArrayList<>();

        Writers(int threads) {
            this(threads, USERS);
        }

        Writers(int threads, int users) {
            pool = Executors.newFixedThreadPool(threads);
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    while (!stop.get()) {
                        write(1 + ThreadLocalRandom.current().nextInt(users));
                        done.incrementAndGet();
                    }
                    return null;
                }));
            }
        }

        private void write(long user) throws SQLException {
            try (Connection c = stack.dataSource().getConnection()) {
                int op = ThreadLocalRandom.current().nextInt(4);
                String sql = switch (op) {
                    case 0 -> "UPDATE points_account SET balance = balance + 1 WHERE user_id = ?";
                    case 1 -> "UPDATE points_detail SET amount = amount + 1 WHERE user_id = ?";
                    case 2 -> "INSERT INTO points_detail (user_id, amount) VALUES (?, 1)";
                    default -> "DELETE FROM points_detail WHERE user_id = ? AND amount > 3";
                };
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setLong(1, user);
                    ps.executeUpdate();
                }
            }
        }

        void awaitSome(int writes) {
            int target = done.get() + writes;
            io.github.dualwrite.testing.Poll.until(Duration.ofSeconds(60), () -> done.get() >= target);
        }

        @Override
        public void close() throws Exception {
            stop.set(true);
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
        }
    }
}
