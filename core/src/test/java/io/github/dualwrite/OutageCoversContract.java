package io.github.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.journal.FallbackJournal;
import io.github.dualwrite.journal.FileJournal;
import io.github.dualwrite.journal.JdbcJournal;
import io.github.dualwrite.journal.Journal;
import io.github.dualwrite.journal.JournalEntry;
import io.github.dualwrite.journal.JournalPolicy;
import io.github.dualwrite.sync.Repairer;
import io.github.dualwrite.sync.RowSync;
import io.github.dualwrite.testing.DbPair;
import io.github.dualwrite.testing.FaultyDataSource;
import io.github.dualwrite.testing.FaultyDataSource.Fault;
import io.github.dualwrite.testing.MutableClock;
import io.github.dualwrite.testing.Poll;
import io.github.dualwrite.testing.Stack;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * G2 during an outage, without a second durable write per call: the writes an open breaker makes skip are
 * covered by one outage entry written before the first of them returns, their own entries are stored in the
 * background, and when the process dies before storing them the repairer verifies the unit from the outage
 * entry. The oracle is a ledger of what callers were told succeeded, never old == new alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OutageCoversContract {

    /** Opens after 4 calls of which half failed, and stays open for 10 minutes. */
    private static final MigrationConfig.CircuitBreaker TIGHT = new MigrationConfig.CircuitBreaker(50, 100,
            Duration.ofSeconds(5), 4, 4, Duration.ofMinutes(10), 1);

    private DbPair pair;
    private Path dir;
    private FaultyDataSource newSide;
    private MigrationControl control;
    private JdbcJournal table;
    private ScheduledExecutorService scheduler;
    private DualWriteDataSource dataSource;
    /** What callers were told succeeded: row id to amount, absent when deleted. */
    private final Map<Long, Long> ledger = new TreeMap<>();

    abstract DbPair newPair();

    @BeforeAll
    void setUp() {
        pair = newPair();
    }

    @AfterAll
    void tearDown() {
        pair.close();
    }

    @BeforeEach
    void fresh(@TempDir Path tempDir) throws SQLException {
        dir = tempDir;
        pair.truncateAll();
        ledger.clear();
        newSide = FaultyDataSource.wrap(pair.newDataSource());
        control = MigrationControl.empty(new MutableClock(Instant.parse("2026-11-30T08:00:00Z")));
        MigrationConfig c = Stack.config(Stage.DUAL_WRITE, Stage.DUAL_WRITE, 0, MigrationConfig.UnkeyedPolicy.EXECUTE_BOTH);
        control.apply(c.withSecondary(new MigrationConfig.Secondary(MigrationConfig.WriteMode.SYNC, Duration.ofSeconds(2),
                TIGHT)), "test").orThrow();
        table = new JdbcJournal(pair.oldDataSource(), JdbcJournal.DEFAULT_TABLE, JournalPolicy.DEFAULTS.withParams(
                JournalPolicy.Params.FULL));
        table.createIfAbsent();
        pair.updateOld("DELETE FROM " + table.table());
    }

    @AfterEach
    void close() {
        if (dataSource != null) {
            dataSource.close();
            dataSource = null;
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    /** A scheduler whose first task waits for {@code release}: nothing scheduled after it runs before that. */
    private static ScheduledExecutorService stalledUntil(CountDownLatch release) {
        ScheduledExecutorService stalled = Executors.newSingleThreadScheduledExecutor();
        stalled.execute(() -> {
            try {
                release.await(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return stalled;
    }

    /** A dual-write data source whose background work runs on {@code scheduler}, its clock the real one. */
    private DualWriteDataSource open(ScheduledExecutorService background) {
        scheduler = background;
        dataSource = DualWriteDataSource.builder().oldDataSource(pair.oldDataSource()).newDataSource(newSide.dataSource())
                .control(control).journal(new FallbackJournal(table, new FileJournal(dir.resolve("journal.jsonl"))))
                .sequence(io.github.dualwrite.ids.SegmentSequence.builder(pair.shard(0)).step(100).build())
                .scheduler(background).build();
        return dataSource;
    }

    private void write(Connection c, String sql, long id, long user, long amount) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (sql.startsWith("DELETE")) {
                ps.setLong(1, id);
                ps.setLong(2, user);
            } else {
                ps.setLong(1, amount);
                ps.setLong(2, id);
                ps.setLong(3, user);
            }
            ps.executeUpdate();
        }
        // returned: the caller was told it succeeded
        if (sql.startsWith("DELETE")) {
            ledger.remove(id);
        } else {
            ledger.put(id, amount);
        }
    }

    private static final String INSERT = "INSERT INTO points_detail (amount, id, user_id) VALUES (?, ?, ?)";
    private static final String UPDATE = "UPDATE points_detail SET amount = ? WHERE id = ? AND user_id = ?";
    private static final String DELETE = "DELETE FROM points_detail WHERE id = ? AND user_id = ?";

    /** Rows 1-20 on both sides (users 1-5), then the new side fails, the breaker opens, and the load goes on. */
    private void seedThenOutage(DualWriteDataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            for (long id = 1; id <= 20; id++) {
                write(c, INSERT, id, 1 + id % 5, id);
            }
            newSide.set(Fault.EXECUTE);
            for (long id = 21; id <= 60; id++) {
                write(c, INSERT, id, 1 + id % 5, id);
            }
            for (long id = 1; id <= 10; id++) {
                write(c, UPDATE, id, 1 + id % 5, 1000 + id);
            }
            for (long id = 11; id <= 15; id++) {
                write(c, DELETE, id, 1 + id % 5, 0);
            }
        }
    }

    private Map<Long, Long> rows(Side side) {
        String sql = "SELECT id, amount FROM points_detail ORDER BY id";
        Map<Long, Long> out = new TreeMap<>();
        for (Map<String, Object> r : side == Side.OLD ? pair.queryOld(sql) : pair.queryNew(sql)) {
            out.put(((Number) r.get("id")).longValue(), ((Number) r.get("amount")).longValue());
        }
        return out;
    }

    private List<JournalEntry> entries(JournalEntry.Reason reason) {
        return table.read(0, 10_000).stream().filter(e -> e.reason() == reason).toList();
    }

    @Test
    void aCallerPaysOneJournalWriteForAWholeOutageAndEverySkippedWriteStillGetsItsOwnEntry() throws Exception {
        DualWriteDataSource ds = open(Executors.newSingleThreadScheduledExecutor());
        List<String> recordedOnCaller = new CopyOnWriteArrayList<>();
        Thread caller = Thread.currentThread();
        ds.journal().addListener(new Journal.Listener() {
            @Override
            public void recorded(List<JournalEntry> entries) {
                if (Thread.currentThread() == caller) {
                    entries.forEach(e -> recordedOnCaller.add(e.reason().name()));
                }
            }
        });
        seedThenOutage(ds);
        assertThat(rows(Side.OLD)).as("the authority has every acknowledged write").isEqualTo(ledger);

        // the calls before the breaker opened journaled their errors themselves; after it, one outage entry
        assertThat(recordedOnCaller).filteredOn("BREAKER_OPEN"::equals).isEmpty();
        assertThat(recordedOnCaller).filteredOn("OUTAGE"::equals).hasSize(1);
        assertThat(recordedOnCaller).filteredOn("ERROR"::equals).hasSizeLessThanOrEqualTo(4);
        int skipped = 55 - recordedOnCaller.size() + 1; // every write of the outage, less those journaled on the caller
        Poll.until(Duration.ofSeconds(30), () -> entries(JournalEntry.Reason.BREAKER_OPEN).size() == skipped);
        assertThat(entries(JournalEntry.Reason.OUTAGE)).singleElement()
                .satisfies(e -> assertThat(e.failedSide()).isEqualTo(Side.NEW));
        // nothing was taken for a second: the outage entry closes though the breaker stays open
        Poll.until(Duration.ofSeconds(30), () -> entries(JournalEntry.Reason.OUTAGE).get(0).status() == JournalEntry.Status.DONE);

        newSide.set(Fault.NONE);
        Repairer.DrainResult drained = Repairer.builder(ds.journal(), ds.rowSync()).owner("test").build()
                .drain(Duration.ofMinutes(1));
        assertThat(drained.drained()).as(drained.toString()).isTrue();
        assertThat(rows(Side.NEW)).as("every acknowledged write, deletes included").isEqualTo(ledger);
    }

    @Test
    void aProcessThatDiesBeforeStoringTheEntriesLeavesAnOutageEntryAndTheRepairerVerifiesTheUnitFromIt() throws Exception {
        // the background never runs: what it would store is lost with the process
        CountDownLatch never = new CountDownLatch(1);
        DualWriteDataSource ds = open(stalledUntil(never));
        seedThenOutage(ds);
        Map<Long, Long> acknowledged = new TreeMap<>(ledger); // the oracle, fixed before the repair it judges
        assertThat(rows(Side.OLD)).isEqualTo(acknowledged);
        assertThat(rows(Side.NEW)).as("the outage left the new side behind").isNotEqualTo(acknowledged);
        assertThat(entries(JournalEntry.Reason.BREAKER_OPEN)).as("never stored: the process 'died' first").isEmpty();
        // what an operator sees meanwhile
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        io.github.dualwrite.metrics.DualWriteMetrics.of(ds).bindTo(registry);
        long buffered = 55 - entries(JournalEntry.Reason.ERROR).size();
        assertThat(ds.stats().journalBuffered()).isEqualTo(buffered);
        assertThat(registry.get("dualwrite.journal.buffered").gauge().value()).isEqualTo(buffered);
        assertThat(registry.get("dualwrite.journal.outages.open").gauge().value()).isEqualTo(1.0);
        JournalEntry outage = entries(JournalEntry.Reason.OUTAGE).get(0);
        assertThat(outage.status()).isEqualTo(JournalEntry.Status.PENDING);

        // a repairer in another process, over the same table, with the new side back
        newSide.set(Fault.NONE);
        RowSync rowSync = new RowSync(pair.oldDataSource(), pair.newDataSource(), control);
        JdbcJournal other = new JdbcJournal(pair.oldDataSource());
        Repairer.Run early = Repairer.builder(other, rowSync).owner("other").sleeper(d -> { }).build().runOnce();
        assertThat(early.claimed()).as("the errors journaled before the breaker opened, not the outage entry")
                .isEqualTo(entries(JournalEntry.Reason.ERROR).size());
        assertThat(entries(JournalEntry.Reason.OUTAGE)).singleElement().as("not due while its lease runs: its process"
                + " may be alive").satisfies(e -> assertThat(e.status()).isEqualTo(JournalEntry.Status.PENDING));
        assertThat(rows(Side.NEW)).isNotEqualTo(acknowledged);

        Clock later = Clock.offset(Clock.system(ZoneOffset.UTC), OutageCovers.LEASE.plusSeconds(1));
        Repairer.DrainResult drained = Repairer.builder(other, rowSync).owner("other").clock(later).sleeper(d -> { })
                .build().drain(Duration.ofMinutes(1));
        assertThat(drained.drained()).as(drained.toString()).isTrue();
        assertThat(rows(Side.NEW)).as("every acknowledged write reached the new side, deletes included")
                .isEqualTo(acknowledged);
        assertThat(rows(Side.OLD)).isEqualTo(acknowledged);
        assertThat(other.read(0, 100)).filteredOn(e -> e.entryId().equals(outage.entryId())).singleElement()
                .satisfies(e -> assertThat(e.status()).isEqualTo(JournalEntry.Status.DONE));
        never.countDown();
    }

    @Test
    void anOutageEntryDueAfterAForcedMoveOntoTheSideBehindIsGivenUpForAPersonNotVerifiedOverTheWrites() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        DualWriteDataSource ds = open(stalledUntil(never));
        seedThenOutage(ds);
        Map<Long, Long> acknowledged = new TreeMap<>(ledger);
        // forced past the journal gate: the new side, behind for users nobody named, becomes the authority
        MigrationConfig c = Stack.config(Stage.NEW_PRIMARY, Stage.NEW_PRIMARY, 0, MigrationConfig.UnkeyedPolicy.EXECUTE_BOTH);
        control.apply(c.withSecondary(new MigrationConfig.Secondary(MigrationConfig.WriteMode.SYNC, Duration.ofSeconds(2),
                TIGHT)), "test").orThrow();
        newSide.set(Fault.NONE);
        RowSync rowSync = new RowSync(pair.oldDataSource(), pair.newDataSource(), control);
        JdbcJournal other = new JdbcJournal(pair.oldDataSource());
        Clock later = Clock.offset(Clock.system(ZoneOffset.UTC), OutageCovers.LEASE.plusSeconds(1));
        Repairer.builder(other, rowSync).owner("other").clock(later).sleeper(d -> { }).build().drain(Duration.ofSeconds(30));
        assertThat(entries(JournalEntry.Reason.OUTAGE)).singleElement().satisfies(e -> {
            assertThat(e.status()).as("given up, with the reason, for a person").isEqualTo(JournalEntry.Status.DEAD);
            assertThat(e.errorMessage()).contains("forced").contains("--retry-dead");
        });
        assertThat(rows(Side.OLD)).as("the acknowledged writes were not copied over").isEqualTo(acknowledged);
        never.countDown();
    }

    @Test
    void aUserWhoseEntryIsStillBufferedIsReadFromTheSideThatHasTheWrite() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ScheduledExecutorService stalled = stalledUntil(release);
        MigrationConfig c = Stack.config(Stage.READ_NEW, Stage.READ_NEW, 0, MigrationConfig.UnkeyedPolicy.EXECUTE_BOTH);
        control.apply(c.withSecondary(new MigrationConfig.Secondary(MigrationConfig.WriteMode.SYNC, Duration.ofSeconds(2),
                TIGHT)), "test").orThrow();
        DualWriteDataSource ds = open(stalled);
        try (Connection c1 = ds.getConnection()) {
            write(c1, INSERT, 1, 1, 1);
            write(c1, INSERT, 2, 2, 2);
            newSide.set(Fault.WRITES); // the new side still reads: a stale row there would be served
            for (long n = 0; n < 4; n++) {
                write(c1, UPDATE, 2, 2, 20 + n); // opens the breaker
            }
            write(c1, UPDATE, 1, 1, 99); // skipped by the open breaker: its entry waits in the buffer
            assertThat(entries(JournalEntry.Reason.BREAKER_OPEN)).as("not stored yet").isEmpty();
            assertThat(pair.queryNew("SELECT amount FROM points_detail WHERE id = 1").get(0).get("amount"))
                    .isEqualTo(1L);
            try (PreparedStatement ps = c1.prepareStatement("SELECT amount FROM points_detail WHERE id = ? AND user_id = ?")) {
                ps.setLong(1, 1);
                ps.setLong(2, 1);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).as("the user's own write, from the side that has it").isEqualTo(99);
                }
            }
        } finally {
            release.countDown();
        }
    }

    @Test
    void closingTheDataSourceStoresWhatIsBufferedAndClosesTheOutageEntry() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ScheduledExecutorService stalled = stalledUntil(release);
        DualWriteDataSource ds = open(stalled);
        seedThenOutage(ds);
        assertThat(entries(JournalEntry.Reason.BREAKER_OPEN)).isEmpty();
        ds.close();
        dataSource = null;
        release.countDown();
        assertThat(entries(JournalEntry.Reason.BREAKER_OPEN)).as("stored on close").isNotEmpty();
        assertThat(entries(JournalEntry.Reason.OUTAGE)).singleElement()
                .satisfies(e -> assertThat(e.status()).isEqualTo(JournalEntry.Status.DONE));
        newSide.set(Fault.NONE);
        Repairer.DrainResult drained = Repairer.builder(table, new RowSync(pair.oldDataSource(), pair.newDataSource(),
                control)).owner("test").build().drain(Duration.ofMinutes(1));
        assertThat(drained.drained()).as(drained.toString()).isTrue();
        assertThat(drained.run().repaired()).as("the write entries, not a verify of the unit")
                .isEqualTo(entries(JournalEntry.Reason.BREAKER_OPEN).size() + entries(JournalEntry.Reason.ERROR).size());
        assertThat(rows(Side.NEW)).isEqualTo(ledger);
    }
}
