package io.github.dualwrite.walk;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.StatementRoute;
import io.github.dualwrite.sync.Backfill;
import io.github.dualwrite.sync.Repairer;
import io.github.dualwrite.sync.RowSync;
import io.github.dualwrite.testing.DbPair;
import io.github.dualwrite.testing.FaultyDataSource;
import io.github.dualwrite.testing.FaultyDataSource.Fault;
import io.github.dualwrite.testing.Poll;
import io.github.dualwrite.testing.Stack;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The whole stage ramp under load and faults, judged by a ledger of what callers were told succeeded (old ==
 * new alone proves nothing: a repair that deletes from both sides leaves them equal).
 *
 * <p>Writer threads run points-ledger transactions (lock the account, insert or delete a detail row, move the
 * balance) on 200 users of which 50 are hot, and read their own write back at once (read-your-writes); reader
 * threads read balances; all of it throughout, while the unit walks OLD_ONLY -> DUAL_WRITE -> gray READ_NEW 50%
 * -> READ_NEW -> gray NEW_PRIMARY 50% -> NEW_PRIMARY -> READ_NEW -> NEW_PRIMARY -> NEW_ONLY. In every step that
 * writes both sides, the secondary fails for a while. Every move that makes a side read or trusted is tried
 * while the journal holds entries (refused), then after a drain; one of them is forced past the gate.
 *
 * <p>At the end: every acknowledged row is on the authority in its acknowledged state, old and new were equal
 * (version column included) when both were last written, no caller saw an error the authority did not cause,
 * and every read of one's own write saw it. One line goes to {@code target/stage-walk-report.txt}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StageWalkContract {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(StageWalkContract.class);
    static final int USERS = 200;
    static final int WRITERS = 4;
    static final int READERS = 2;

    private DbPair pair;
    private Stack stack;
    private final Ledger ledger = new Ledger();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong ops = new AtomicLong();
    private final AtomicLong faultedOps = new AtomicLong();
    private final AtomicLong businessErrorsHealthy = new AtomicLong();
    private final AtomicLong authorityErrors = new AtomicLong();
    private final AtomicLong readYourWritesViolations = new AtomicLong();
    private final ConcurrentLinkedQueue<String> staleReads = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> firstErrors = new ConcurrentLinkedQueue<>();
    /** The side failing now, null when healthy. */
    private final AtomicReference<Side> faulted = new AtomicReference<>();
    /** Counts fault windows opening and closing, so an operation can tell whether one overlapped it. */
    private final AtomicLong faultEpoch = new AtomicLong();
    private volatile Side lastFaulted;
    private long phantoms;
    /** Repairs that changed rows, by user, with the step they ran in: to explain a failed check. */
    private final Map<String, List<String>> repaired = new java.util.concurrent.ConcurrentHashMap<>();
    private final io.github.dualwrite.sync.Repairer.Listener repairs = new io.github.dualwrite.sync.Repairer.Listener() {
        @Override
        public void repaired(io.github.dualwrite.journal.JournalEntry entry, io.github.dualwrite.sync.RowSync.Result result) {
            if (result != null && result.changed()) {
                repaired.computeIfAbsent(entry.routingKey(), k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                        .add("step " + steps + " entry " + entry.id() + ": " + result);
            }
        }
    };
    /** The step each detail row was inserted in. */
    private final Map<Long, Integer> insertedIn = new java.util.concurrent.ConcurrentHashMap<>();
    private int steps;
    private int refusedMoves;
    private int forcedMoves;

    abstract DbPair newPair();

    /** {@code h2} or {@code mariadb}, for the report line. */
    abstract String db();

    /** Operations per healthy phase of a step. */
    abstract int phaseOps();

    @BeforeAll
    void setUp() {
        // the guard re-reads the journal ten times a second: its refreshes race with every append and repair
        stack = Stack.over(newPair(), Duration.ofMillis(100));
        pair = stack.pair();
    }

    @AfterAll
    void tearDown() {
        running.set(false);
        stack.close();
    }

    /** The walk's document: the stack's units, a breaker that reopens quickly, not forced. */
    private static MigrationConfig doc(Stage stage, Stage gray, int ratio) {
        MigrationConfig.CircuitBreaker breaker = new MigrationConfig.CircuitBreaker(50, 100, Duration.ofSeconds(5), 20, 10,
                Duration.ofMillis(500), 5);
        return Stack.config(stage, gray, ratio, MigrationConfig.UnkeyedPolicy.EXECUTE_BOTH).withForce(false)
                .withSecondary(new MigrationConfig.Secondary(MigrationConfig.WriteMode.SYNC, Duration.ofSeconds(2), breaker));
    }

    static long user(int i) {
        return 10_000L + i * 50L; // buckets 0, 50, ... 9950: users 0..99 are in a 50% gray share
    }

    @Test
    void walkTheWholeRampLosingNothing() throws Exception {
        stack.control().apply(doc(Stage.OLD_ONLY, Stage.OLD_ONLY, 0).withForce(true), "walk").orThrow();
        for (int i = 0; i < USERS; i++) {
            createAccount(user(i));
        }
        ExecutorService threads = Executors.newFixedThreadPool(WRITERS + READERS);
        List<Future<?>> load = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            load.add(threads.submit(this::writer));
        }
        for (int r = 0; r < READERS; r++) {
            load.add(threads.submit(this::reader));
        }
        try {
            phase();
            move(doc(Stage.DUAL_WRITE, Stage.DUAL_WRITE, 0), false);
            // the history the old side has: copied once dual write runs (never overwriting newer rows)
            Backfill.builder(rowSync(), stack.control()).threads(2).build().run("points");
            step(Side.NEW, Fault.DOWN);
            move(doc(Stage.DUAL_WRITE, Stage.READ_NEW, 5_000), false);
            step(Side.NEW, Fault.WRITES);
            move(doc(Stage.READ_NEW, Stage.READ_NEW, 0), false);
            step(Side.NEW, Fault.WRITES);
            move(doc(Stage.READ_NEW, Stage.NEW_PRIMARY, 5_000), true); // forced while entries are pending
            step(Side.NEW, Fault.WRITES); // the authority of the gray half, the secondary of the rest
            move(doc(Stage.NEW_PRIMARY, Stage.NEW_PRIMARY, 0), false);
            step(Side.OLD, Fault.DOWN);
            move(doc(Stage.READ_NEW, Stage.READ_NEW, 0), false); // the way back
            step(Side.NEW, Fault.WRITES);
            move(doc(Stage.NEW_PRIMARY, Stage.NEW_PRIMARY, 0), false);
            step(Side.OLD, Fault.EXECUTE);
            // both sides are written for the last time: pause the writers, drain, compare
            long diff = pausedCompare();
            move(doc(Stage.NEW_ONLY, Stage.NEW_ONLY, 0), false);
            phase();
            running.set(false);
            for (Future<?> f : load) {
                f.get(2, TimeUnit.MINUTES);
            }
            Repairer.DrainResult last = drain();
            long conflicts = stack.dataSource().journal().stats().conflicts();
            long lost = lostAgainstLedger(Side.NEW);
            String line = "STAGEWALK db=" + db() + " steps=" + steps + " ops=" + ops.get() + " acknowledged="
                    + ledger.acknowledged() + " lost=" + lost + " diff=" + diff + " refused_moves=" + refusedMoves
                    + " conflicts=" + conflicts + " business_errors_healthy=" + businessErrorsHealthy.get();
            report(line);
            if (!firstErrors.isEmpty()) {
                Files.write(Path.of("target", "stage-walk-diagnostics-" + db() + ".txt"), firstErrors, StandardCharsets.UTF_8);
            }
            assertThat(firstErrors).as("errors no failing authority explains").isEmpty();
            assertThat(phantoms).as("detail rows on the authority that no caller was told about").isZero();
            assertThat(lost).as("acknowledged writes missing or different on the authority").isZero();
            assertThat(diff).as("old and new differ after the last drain with both sides written").isZero();
            assertThat(businessErrorsHealthy.get()).isZero();
            assertThat(readYourWritesViolations.get()).as(() -> "a user read a stale copy of their own write: "
                    + staleReads.stream().map(r -> r + "; " + history(Long.parseLong(r.split(" ")[1]))).toList()).isZero();
            assertThat(conflicts).isZero();
            assertThat(last.drained()).as(last.toString()).isTrue();
            assertThat(refusedMoves).as("moves tried while the journal held entries were refused").isGreaterThanOrEqualTo(3);
            assertThat(forcedMoves).isEqualTo(1);
            assertThat(faultedOps.get()).as("load ran under every fault").isPositive();
        } finally {
            running.set(false);
            threads.shutdownNow();
            threads.awaitTermination(1, TimeUnit.MINUTES);
        }
    }

    // ------------------------------------------------------------------ steps

    /** A healthy phase, the secondary failing for a while, a healthy phase. */
    private void step(Side side, Fault fault) {
        steps++;
        phase();
        FaultyDataSource faulty = side == Side.OLD ? stack.oldSide() : stack.newSide();
        long before = faultedOps.get();
        lastFaulted = side;
        faultEpoch.incrementAndGet();
        faulted.set(side);
        faulty.set(fault);
        try {
            Poll.until(Duration.ofMinutes(2), () -> faultedOps.get() - before >= phaseOps() / 3);
        } finally {
            faulty.set(Fault.NONE);
            faulted.set(null);
            faultEpoch.incrementAndGet();
        }
        phase();
    }

    private void phase() {
        long target = ops.get() + phaseOps();
        Poll.until(Duration.ofMinutes(2), () -> ops.get() >= target);
    }

    /**
     * Applies the next document. Not forced, a move the journal holds back is refused (with the reason), then
     * tried again after a drain; forced, it goes through with entries pending.
     */
    private void move(MigrationConfig next, boolean force) {
        MigrationControl.ApplyResult result = stack.control().apply(next.withForce(force), force ? "walk (forced)" : "walk");
        if (force) {
            assertThat(result.outcome()).isEqualTo(MigrationControl.ApplyResult.Outcome.ACCEPTED);
            forcedMoves += result.forced().isEmpty() ? 0 : 1;
            return;
        }
        if (result.outcome() == MigrationControl.ApplyResult.Outcome.REJECTED) {
            refusedMoves++;
            assertThat(result.problems().toString()).contains("journal says").contains("drain first");
            Repairer.DrainResult drained = drain();
            assertThat(drained.drained()).as(() -> drained + conflictHistories()).isTrue();
            result = stack.control().apply(next, "walk after drain");
        }
        assertThat(result.isInForce()).as(result.problems().toString()).isTrue();
    }

    private Repairer.DrainResult drain() {
        log.warn("walk: draining {}", stack.dataSource().journal().stats());
        try (Repairer repairer = Repairer.builder(stack.dataSource().journal(), rowSync()).owner("walk")
                .listener(repairs).backoff(Duration.ofMillis(50), Duration.ofMillis(200)).build()) {
            Repairer.DrainResult r = repairer.drain(Duration.ofMinutes(2));
            log.warn("walk: {}", r);
            return r;
        }
    }

    private RowSync rowSync() {
        return stack.dataSource().rowSync();
    }

    /** Pauses the writers, drains, and counts rows that differ between the sides (every column). */
    private long pausedCompare() throws InterruptedException {
        paused.set(true);
        Poll.until(Duration.ofMinutes(1), () -> busy.get() == 0);
        try {
            Repairer.DrainResult drained = drain();
            assertThat(drained.drained()).as(drained.toString()).isTrue();
            return differences("points_account") + differences("points_detail");
        } finally {
            paused.set(false);
        }
    }

    private final AtomicBoolean paused = new AtomicBoolean();
    private final AtomicLong busy = new AtomicLong();

    private long differences(String table) {
        String sql = "SELECT * FROM " + table + " ORDER BY id";
        List<Map<String, Object>> old = pair.queryOld(sql);
        List<Map<String, Object>> neu = pair.queryNew(sql);
        Map<Object, Map<String, Object>> byId = new java.util.HashMap<>();
        neu.forEach(r -> byId.put(r.get("id"), r));
        long diff = Math.abs(old.size() - neu.size());
        for (Map<String, Object> r : old) {
            if (!r.equals(byId.get(r.get("id")))) {
                diff++;
            }
        }
        return diff;
    }

    /** Acknowledged rows missing or different on {@code authority}, and rows there nobody was told about. */
    private long lostAgainstLedger(Side authority) {
        String accounts = "SELECT user_id, balance FROM points_account";
        String details = "SELECT id, user_id, amount FROM points_detail";
        Map<Long, Long> balances = new java.util.HashMap<>();
        for (Map<String, Object> r : authority == Side.OLD ? pair.queryOld(accounts) : pair.queryNew(accounts)) {
            balances.put(((Number) r.get("user_id")).longValue(), ((Number) r.get("balance")).longValue());
        }
        Map<Long, Long> rows = new java.util.HashMap<>();
        for (Map<String, Object> r : authority == Side.OLD ? pair.queryOld(details) : pair.queryNew(details)) {
            rows.put(((Number) r.get("id")).longValue(), ((Number) r.get("amount")).longValue());
        }
        long lost = 0;
        long seen = 0;
        for (Map.Entry<Long, Ledger.Account> e : ledger.accounts().entrySet()) {
            Ledger.Account a = e.getValue();
            if (!Objects.equals(balances.get(e.getKey()), a.balance.get())) {
                lost++;
                firstErrors.add("user " + e.getKey() + ": balance " + balances.get(e.getKey()) + " on " + authority
                        + ", acknowledged " + a.balance.get() + "; " + history(e.getKey()));
            }
            for (Map.Entry<Long, Long> d : a.details.entrySet()) {
                seen++;
                if (!Objects.equals(rows.get(d.getKey()), d.getValue())) {
                    lost++;
                    firstErrors.add("user " + e.getKey() + ": detail " + d.getKey() + " (inserted in step "
                            + insertedIn.get(d.getKey()) + ", repairs " + repaired.get(String.valueOf(e.getKey()))
                            + ") = "
                            + rows.get(d.getKey()) + " on "
                            + authority + ", acknowledged " + d.getValue() + "; old side: "
                            + pair.queryOld("SELECT * FROM points_detail WHERE id = ?", d.getKey()) + "; " + history(e.getKey()));
                }
            }
        }
        phantoms = rows.size() - seen;
        return lost;
    }

    private static List<String> later(List<String> repairs, Integer step) {
        List<String> out = new ArrayList<>();
        if (repairs != null && step != null) {
            for (String r : repairs) {
                if (Integer.parseInt(r.substring(5, r.indexOf(' ', 5))) >= step) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    /** The histories of users with conflicts, for the message of a failed drain. */
    private String conflictHistories() {
        StringBuilder sb = new StringBuilder();
        java.util.Set<String> users = new java.util.TreeSet<>();
        for (io.github.dualwrite.journal.JournalEntry e : stack.dataSource().journal().read(0, 1_000_000)) {
            if (e.status() == io.github.dualwrite.journal.JournalEntry.Status.CONFLICT) {
                users.add(e.routingKey());
            }
        }
        for (String u : users) {
            sb.append("\nuser ").append(u).append(" repairs ").append(repaired.get(u)).append("\n")
                    .append(history(Long.parseLong(u)));
        }
        return sb.toString();
    }

    /** The journal entries of a user, for the message of a failed check. */
    private String history(long user) {
        StringBuilder sb = new StringBuilder("journal:");
        for (io.github.dualwrite.journal.JournalEntry e : stack.dataSource().journal().read(0, 1_000_000)) {
            if (String.valueOf(user).equals(e.routingKey())) {
                sb.append("\n  ").append(e.id()).append(' ').append(e.table()).append(' ').append(e.operation()).append(" pk=")
                        .append(e.primaryKey()).append(" behind=").append(e.failedSide()).append(' ').append(e.reason())
                        .append(' ').append(e.status()).append(" at=").append(e.createdAt()).append(' ').append(e.errorMessage());
            }
        }
        return sb.toString();
    }

    private void report(String line) throws IOException {
        Path file = Path.of("target", "stage-walk-report.txt");
        Files.createDirectories(file.getParent());
        List<String> lines = new ArrayList<>();
        if (Files.exists(file)) {
            for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!l.contains(" db=" + db() + " ")) {
                    lines.add(l);
                }
            }
        }
        lines.add(line);
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ load

    private void createAccount(long user) throws SQLException {
        try (Connection c = stack.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO points_account (user_id, balance, gmt_modified)"
                     + " VALUES (?, 0, CURRENT_TIMESTAMP(3))")) {
            ps.setLong(1, user);
            ps.executeUpdate();
        }
        ledger.created(user);
    }

    private void writer() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (running.get()) {
            if (paused.get()) {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
                continue;
            }
            busy.incrementAndGet();
            try {
                if (paused.get()) {
                    continue;
                }
                int i = random.nextInt(4) == 0 ? random.nextInt(USERS) : random.nextInt(50) * 4; // 50 hot users
                long user = user(i);
                long epoch = faultEpoch.get();
                Side failing = faulted.get();
                StatementRoute before = route(user);
                try {
                    if (random.nextInt(5) == 0) {
                        retryingDeadlocks(() -> deleteDetail(user));
                    } else {
                        long amount = 1 + random.nextInt(100);
                        retryingDeadlocks(() -> insertDetail(user, amount));
                    }
                } catch (SQLException | RuntimeException e) {
                    classify(e, overlapping(failing, epoch), before, route(user));
                }
                count(failing);
            } finally {
                busy.decrementAndGet();
            }
        }
    }

    private void reader() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (running.get()) {
            long user = user(random.nextInt(USERS));
            long epoch = faultEpoch.get();
            Side failing = faulted.get();
            try (Connection c = stack.dataSource().getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT balance FROM points_account WHERE user_id = ?")) {
                ps.setLong(1, user);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                }
            } catch (SQLException | RuntimeException e) {
                if (overlapping(failing, epoch) == null) {
                    error("read of user " + user, e);
                }
            }
            count(failing);
        }
    }

    /** Time in the stack moves with the work done: a millisecond per operation (breaker waits, entry ages). */
    private void count(Side failing) {
        stack.clock().advance(Duration.ofMillis(1));
        ops.incrementAndGet();
        if (failing != null) {
            faultedOps.incrementAndGet();
        }
    }

    /** The side that failed at some point during an operation that started at {@code epoch}, or null. */
    private Side overlapping(Side atStart, long epoch) {
        Side now = faulted.get();
        return atStart != null ? atStart : now != null ? now : faultEpoch.get() != epoch ? lastFaulted : null;
    }

    private StatementRoute route(long user) {
        return stack.dataSource().explain("UPDATE points_account SET balance = balance + 1 WHERE user_id = ?", user);
    }

    /** An error is the authority's when the failing side was where the write ran first; anything else leaked. */
    private void classify(Exception e, Side failing, StatementRoute before, StatementRoute after) {
        if (failing != null && (before.runsOn() == failing || after.runsOn() == failing)) {
            authorityErrors.incrementAndGet();
        } else {
            error("write (failing side " + failing + ", route " + before + ")", e);
        }
    }

    private void error(String what, Exception e) {
        businessErrorsHealthy.incrementAndGet();
        if (firstErrors.size() < 5) {
            firstErrors.add(what + ": " + e);
        }
    }

    /** One business transaction. */
    @FunctionalInterface
    private interface Tx {
        void run() throws SQLException;
    }

    /**
     * Runs a transaction again when the database chose it as a deadlock victim, as applications do: MariaDB's
     * next-key locks let a writer and a RowSync of adjacent users deadlock on the authority, and the message
     * says "try restarting transaction". Nothing was acknowledged for the rolled-back attempt.
     */
    private static void retryingDeadlocks(Tx tx) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                tx.run();
                return;
            } catch (java.sql.SQLTransactionRollbackException deadlock) {
                if (attempt == 3) {
                    throw deadlock;
                }
            }
        }
    }

    /** Locks the account, inserts a detail row, moves the balance; then reads the row back. */
    private void insertDetail(long user, long amount) throws SQLException {
        long id;
        try (Connection c = stack.dataSource().getConnection()) {
            id = PointsLedger.earn(c, user, amount);
        }
        insertedIn.put(id, steps);
        try {
            readOwnWrite(user, id, amount);
        } finally {
            ledger.inserted(user, id, amount); // after the read: no other writer may delete the row before it
        }
    }

    /** Locks the account, deletes one of the user's acknowledged detail rows, moves the balance back. */
    private void deleteDetail(long user) throws SQLException {
        Long id = ledger.anyDetail(user);
        if (id == null) {
            return;
        }
        Long amount = ledger.account(user).details.get(id);
        if (amount == null) {
            return;
        }
        try (Connection c = stack.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                PointsLedger.lockAccount(c, user);
                int deleted;
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM points_detail WHERE user_id = ? AND id = ?")) {
                    ps.setLong(1, user);
                    ps.setLong(2, id);
                    deleted = ps.executeUpdate();
                }
                if (deleted == 0) {
                    c.rollback(); // another writer deleted it first: nothing to acknowledge
                    return;
                }
                PointsLedger.changeBalance(c, user, -amount);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        ledger.deleted(user, id, amount);
    }

    /** Read-your-writes: the caller who was just told the row is there must see it, whatever side serves reads. */
    private void readOwnWrite(long user, long id, long amount) throws SQLException {
        try (Connection c = stack.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT amount FROM points_detail WHERE user_id = ? AND id = ?")) {
            ps.setLong(1, user);
            ps.setLong(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getLong(1) != amount) {
                    readYourWritesViolations.incrementAndGet();
                    staleReads.add("user " + user + " did not read back detail " + id + " (step " + steps + "), read "
                            + stack.dataSource().explain("SELECT amount FROM points_detail WHERE user_id = ? AND id = ?",
                            user, id));
                }
            }
        }
    }
}
