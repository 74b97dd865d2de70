package io.github.dualwrite;

import io.github.dualwrite.config.RoutingKey;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.TableConfig;
import io.github.dualwrite.journal.JournalEntry;
import io.github.dualwrite.sync.RowSync;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.sql.BatchUpdateException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import javax.sql.rowset.CachedRowSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides and runs every routed execution of one connection: the one place that orders a dual write. The
 * statements only record what the application asked and keep its results. Read a write top to bottom:
 *
 * <ol>
 *   <li>the {@link Planner} decides the sides; the key fence is entered for the users of a dual write;</li>
 *   <li>ids an id source makes are taken, and non-deterministic calls are evaluated once, on the authority;</li>
 *   <li>the authority runs the statement (rewritten to carry those values when there are any); its count,
 *       keys and failure are the caller's; in auto-commit mode its row locks stay held until step 5;</li>
 *   <li>ids the old side generated are read back and carried into the other side's INSERT;</li>
 *   <li>the secondary runs the same values behind the circuit breaker ({@link #runSecondary}), or is journaled
 *       when it cannot repeat the statement; what did not verifiably apply there is journaled, never thrown.</li>
 * </ol>
 */
final class Execution {

    private static final Logger log = LoggerFactory.getLogger(Execution.class);

    /** What a write hands back: the authority's counts, and keys to show the caller (null: the driver's own). */
    record Outcome(long count, long[] counts, CachedRowSet keys) {
    }

    /** Closes nothing: for writes that need no fence, and for transactions, whose tickets close at their end. */
    static final RowSync.LiveWrites.Fence NO_FENCE = () -> { };

    private final DualWriteConnection conn;
    private final Engine engine;

    /** How the secondary half of the write in progress runs, decided before its authority runs. */
    private enum Mode {
        /** In the caller's thread, the authority's row locks held until it ran. */
        SYNC,
        /** Queued on its users' lane after the authority committed ({@link AsyncLanes}). */
        ASYNC,
        /** Journaled without being tried: the breaker was open when the write began. */
        BREAKER_OPEN,
        /** Journaled: a SYNC transaction meets users whose ASYNC writes are still queued (it would overtake them). */
        QUEUED,
        /** Journaled: an ASYNC write that could not take its place in its users' order in time. */
        UNORDERED
    }

    private Mode mode = Mode.SYNC;
    /** The users' stripe generations, taken before the authority ran (ASYNC only). */
    private AsyncLanes.Stamp stamp;
    /** The auto-commit write's fence, whose tickets an ASYNC write takes along until its secondary ran. */
    private WriteFence current;

    Execution(DualWriteConnection conn) {
        this.conn = conn;
        this.engine = conn.engine();
    }

    // ------------------------------------------------------------------ one statement

    /** A read, on its plan's side. */
    ResultSet query(DualWriteStatement st, Invocation inv) throws SQLException {
        Plan plan = conn.plan(inv.shape(), inv.values(), inv.context());
        st.startRead(plan);
        ResultSet rs;
        try (RowSync.LiveWrites.Fence fence = fence(List.of(plan))) {
            rs = st.wrap(inv.query(plan.primary()));
        }
        engine.shadows().sample(plan, inv);
        return rs;
    }

    /** {@code execute()}: a write as {@link #update}, anything else on its plan's side. */
    boolean execute(DualWriteStatement st, Invocation inv, Invocation.Keys callerKeys) throws SQLException {
        if (inv.shape().isWrite()) {
            update(st, inv, callerKeys);
            return false;
        }
        Plan plan = conn.plan(inv.shape(), inv.values(), inv.context());
        st.startRead(plan);
        if (inv.shape().kind() == SqlKind.OTHER) {
            conn.wroteAuthoritative(plan.primary()); // SET, USE, ...: the side holds session changes of its own
        }
        try (RowSync.LiveWrites.Fence fence = fence(List.of(plan))) {
            return inv.execute(plan.primary(), callerKeys);
        }
    }

    /** A write; the caller sees the authority's count and keys. */
    long update(DualWriteStatement st, Invocation inv, Invocation.Keys callerKeys) throws SQLException {
        Object[] values = inv.values(); // a copy: taken once per execution
        Plan plan = conn.plan(inv.shape(), values, inv.context());
        st.startWrite();
        Outcome out;
        if (!plan.dual() && plan.ids() == Plan.IdMode.NONE && !plan.bindVolatile()) {
            conn.wroteAuthoritative(plan.authority());
            out = new Outcome(inv.update(plan.authority(), callerKeys, false), null, null);
        } else {
            try (RowSync.LiveWrites.Fence fence = fence(List.of(plan))) {
                boolean sync = decide(List.of(plan)) == Mode.SYNC;
                try (AsyncLanes.Place place = place()) {
                    out = holding(plan.authority(), sync && plan.secondary() != null, plan, values,
                            () -> dual(inv, plan, values, callerKeys));
                }
            }
        }
        st.finished(out);
        return out.count();
    }

    private Outcome dual(Invocation inv, Plan plan, Object[] values, Invocation.Keys callerKeys) throws SQLException {
        Side a = plan.authority();
        String idColumn = plan.ids() == Plan.IdMode.NONE ? null : idTable(plan).primaryKey().get(0);
        int rows = plan.shape().insert() == null ? 0 : plan.shape().insert().rows().size();
        List<Object> ids = plan.ids() == Plan.IdMode.INJECT ? engine.newIds(idTable(plan), rows) : null;
        Object[] calls = null;
        if (plan.bindVolatile()) {
            calls = CallValues.evaluate(conn.physical(a), engine.rewrite(inv.shapeOn(a), null, true), 1).get(0);
        }
        Rewrite ra = ids != null || calls != null ? engine.rewrite(inv.shapeOn(a), ids != null ? idColumn : null, calls != null) : null;
        Invocation.Keys ka = plan.ids() == Plan.IdMode.FROM_OLD ? Invocation.Keys.IDS : callerKeys;
        long n = ra == null ? inv.update(a, ka, false) : inv.update(a, ra, ids, calls, ka, false);
        conn.wroteAuthoritative(a);
        CachedRowSet keys = ids != null && !plan.shape().insert().onDuplicateKey() ? GeneratedKeys.of(idColumn, ids) : null;
        List<Object> copied = ids;
        String why = null;
        if (plan.ids() == Plan.IdMode.FROM_OLD) {
            keys = GeneratedKeys.capture(inv.generatedKeys(a));
            copied = GeneratedKeys.firstColumn(keys);
            if (copied.size() != rows) {
                List<Object> all = engine.consecutiveIds(conn, copied, rows);
                if (all != null) {
                    keys = GeneratedKeys.of(keys.getMetaData().getColumnLabel(1), all);
                    copied = all;
                } else {
                    why = "the old side reported " + copied.size() + " generated ids for " + rows
                            + " rows, so the new side's rows cannot be made here; repair copies them";
                }
            }
        }
        if (!plan.dual()) {
            return new Outcome(n, null, keys); // one side, ids from the id source
        }
        Side b = plan.secondary();
        if (why == null && plan.journalInstead() == null) {
            why = WriteValues.cannotRepeat(inv.notRepeatable(), calls != null, inv.shapeOn(a), inv.shapeOn(b));
        }
        Rewrite rb = null;
        if (why == null && plan.journalInstead() == null && (copied != null || calls != null)) {
            try {
                rb = engine.rewrite(inv.shapeOn(b), copied != null ? idColumn : null, calls != null);
            } catch (IllegalArgumentException e) {
                why = WriteValues.uncarriable(e);
            }
        }
        if (plan.journalInstead() != null || why != null) {
            JournalEntry.Reason reason = plan.journalInstead() != null ? plan.journalInstead() : JournalEntry.Reason.NOT_REPEATABLE;
            conn.journal(Journaling.entries(now(), plan, values, copied, plan.behind(), reason, null,
                    why != null ? why : plan.reason()));
            return new Outcome(n, null, keys);
        }
        Rewrite rewrite = rb;
        List<Object> secondaryIds = copied;
        Object[] secondaryCalls = calls;
        runSecondary(b, SecondaryWork.statement(plan, values, copied, n, () -> new long[] {rewrite == null
                ? inv.update(b, Invocation.Keys.NONE, true)
                : inv.update(b, rewrite, secondaryIds, secondaryCalls, Invocation.Keys.NONE, true)},
                () -> inv.replay(b, rewrite, secondaryIds, secondaryCalls)));
        return new Outcome(n, null, keys);
    }

    // ------------------------------------------------------------------ batches

    /**
     * Runs the rows of a prepared statement as one batch on the authority, then the rows that need it as one
     * batch on the secondary, comparing counts row by row. Rows a partly failed batch applied still reach the
     * secondary before the {@link BatchUpdateException} is passed on.
     */
    Outcome batch(BatchInvocation inv, List<Plan> plans, Invocation.Keys callerKeys) throws SQLException {
        return batch(plans, a -> batchOn(a, inv, plans, callerKeys));
    }

    /** The lock and fence frame of every batch: the authority's locks are held until the secondary ran. */
    private <T> T batch(List<Plan> plans, SideWork<T> work) throws SQLException {
        Side a = BatchPlans.commonPrimary(plans);
        try (RowSync.LiveWrites.Fence fence = fence(plans)) {
            boolean sync = decide(plans) == Mode.SYNC;
            try (AsyncLanes.Place place = place()) {
                return holding(a, sync && plans.stream().anyMatch(p -> p.secondary() != null), plans.get(0), null,
                        () -> work.run(a));
            }
        }
    }

    private Outcome batchOn(Side a, BatchInvocation inv, List<Plan> plans, Invocation.Keys callerKeys) throws SQLException {
        int n = plans.size();
        Plan first = plans.get(0);
        boolean inject = plans.stream().anyMatch(p -> p.ids() == Plan.IdMode.INJECT);
        boolean fromOld = plans.stream().anyMatch(p -> p.ids() == Plan.IdMode.FROM_OLD);
        boolean bind = plans.stream().anyMatch(Plan::bindVolatile);
        String idColumn = inject || fromOld ? idTable(first).primaryKey().get(0) : null;
        int perRow = first.shape().insert() == null ? 1 : first.shape().insert().rows().size();
        List<Object[]> values = inv.values();
        List<List<Object>> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Plan p = plans.get(i);
            ids.add(p.ids() == Plan.IdMode.INJECT ? engine.newIds(idTable(p), perRow)
                    : inject || fromOld ? WriteValues.given(p.shape(), idColumn, values.get(i)) : null);
        }
        List<Object[]> calls = bind ? CallValues.evaluate(conn.physical(a), engine.rewrite(inv.shapeOn(a), null, true), n) : null;
        Rewrite ra = inject || bind ? engine.rewrite(inv.shapeOn(a), inject ? idColumn : null, bind) : null;
        BatchRun run = inv.run(a, allRows(n), ra, ids, calls, fromOld ? Invocation.Keys.IDS : callerKeys, false);
        long[] counts = run.counts();
        CachedRowSet keys = null;
        boolean idsBroken = false;
        if (inject) {
            List<Object> made = new ArrayList<>();
            for (int i = 0; i < counts.length && i < n; i++) {
                if (plans.get(i).ids() == Plan.IdMode.INJECT && counts[i] != Statement.EXECUTE_FAILED) {
                    made.addAll(ids.get(i));
                }
            }
            keys = first.shape().insert().onDuplicateKey() ? null : GeneratedKeys.of(idColumn, made);
        } else if (fromOld) {
            keys = GeneratedKeys.capture(inv.generatedKeys(a));
            idsBroken = !WriteValues.splitIds(GeneratedKeys.firstColumn(keys), plans, perRow, counts, ids);
        }
        boolean broken = idsBroken;
        List<Integer> dual = secondaryRows(plans, counts, values, ids, i -> broken && plans.get(i).ids() == Plan.IdMode.FROM_OLD
                ? "the batch returned a number of generated ids that does not fit its rows"
                : WriteValues.cannotRepeat(inv.notRepeatable(i), calls != null, inv.shapeOn(plans.get(i).authority()),
                        inv.shapeOn(plans.get(i).secondary())));
        if (!dual.isEmpty()) {
            Side b = plans.get(dual.get(0)).secondary();
            Rewrite rb = null;
            String uncarriable = null;
            try {
                rb = idColumn != null || calls != null ? engine.rewrite(inv.shapeOn(b), idColumn, calls != null) : null;
            } catch (IllegalArgumentException e) {
                uncarriable = WriteValues.uncarriable(e);
            }
            if (uncarriable != null) {
                List<JournalEntry> all = new ArrayList<>();
                for (int i : dual) {
                    Plan p = plans.get(i);
                    all.addAll(Journaling.entries(now(), p, values.get(i), ids.get(i), p.behind(),
                            JournalEntry.Reason.NOT_REPEATABLE, null, uncarriable));
                }
                conn.journal(all);
            } else {
                Rewrite rewrite = rb;
                runSecondary(b, SecondaryWork.rows(plans, values, ids, counts, dual,
                        () -> inv.run(b, dual, rewrite, ids, calls, Invocation.Keys.NONE, true).countsOrThrow(),
                        () -> inv.replay(b, dual, rewrite, ids, calls)));
            }
        }
        run.rethrow();
        return new Outcome(-1, counts, keys);
    }

    /**
     * A plain statement's batch: one SQL per row, so ids an id source makes are written into each row's SQL
     * as literals, and rows that would need generated ids or bound call values are journaled instead.
     */
    long[] plainBatch(DualWriteStatement st, List<String> sqls, List<CallContext> contexts) throws SQLException {
        List<Plan> plans = new ArrayList<>(sqls.size());
        for (int i = 0; i < sqls.size(); i++) {
            plans.add(conn.plan(engine.classify(sqls.get(i)), null, contexts.get(i)));
        }
        List<List<Object>> ids = new ArrayList<>(plans.size());
        for (int i = 0; i < plans.size(); i++) {
            Plan p = plans.get(i);
            List<Object> made = null;
            if (p.ids() == Plan.IdMode.INJECT) {
                TableConfig table = idTable(p);
                made = engine.newIds(table, p.shape().insert().rows().size());
                sqls.set(i, engine.rewrite(p.shape(), table.primaryKey().get(0), false).inline(made));
            }
            ids.add(made);
        }
        engine.counters().writes.increment();
        return batch(plans, a -> {
            BatchRun run = BatchRun.of(st.plainOn(a, false), sqls);
            long[] counts = run.counts();
            List<Integer> dual = secondaryRows(plans, counts, null, ids, i -> plans.get(i).ids() == Plan.IdMode.FROM_OLD
                    ? "a plain-statement batch cannot carry generated ids"
                    : plans.get(i).bindVolatile() ? "a plain-statement batch cannot bind the values of non-deterministic calls" : null);
            if (!dual.isEmpty()) {
                Side b = plans.get(dual.get(0)).secondary();
                List<String> rows = dual.stream().map(sqls::get).toList();
                runSecondary(b, SecondaryWork.rows(plans, null, ids, counts, dual,
                        () -> BatchRun.of(st.plainOn(b, true), rows).countsOrThrow(), () -> Replays.plain(rows, true)));
            }
            run.rethrow();
            return counts;
        });
    }

    /**
     * For the rows the authority applied: records the write, journals the rows whose plan or {@code whyNot}
     * says the secondary cannot repeat them, and returns the rows the secondary runs.
     */
    private List<Integer> secondaryRows(List<Plan> plans, long[] counts, List<Object[]> values, List<List<Object>> ids,
                                        IntFunction<String> whyNot) {
        List<Integer> dual = new ArrayList<>();
        List<JournalEntry> journal = new ArrayList<>();
        for (int i = 0; i < plans.size() && i < counts.length; i++) {
            Plan p = plans.get(i);
            if (counts[i] == Statement.EXECUTE_FAILED) {
                continue;
            }
            conn.wroteAuthoritative(p.authority());
            if (!p.dual()) {
                continue;
            }
            String why = p.journalInstead() != null ? p.reason() : whyNot.apply(i);
            if (why == null) {
                dual.add(i);
                continue;
            }
            JournalEntry.Reason reason = p.journalInstead() != null ? p.journalInstead() : JournalEntry.Reason.NOT_REPEATABLE;
            journal.addAll(Journaling.entries(now(), p, values == null ? null : values.get(i), ids.get(i), p.behind(),
                    reason, null, why));
        }
        conn.journal(journal);
        return dual;
    }

    // ------------------------------------------------------------------ locks, fence, secondary

    /** A write whose first half's locks may be held. */
    @FunctionalInterface
    interface Work<T> {
        T run() throws SQLException;
    }

    /** A batch's work, given the side that runs it first. */
    @FunctionalInterface
    private interface SideWork<T> {
        T run(Side authority) throws SQLException;
    }

    /**
     * Runs {@code work} holding the authority's row locks until the secondary ran when {@code needed} and the
     * connection is in auto-commit mode (a transaction holds them anyway): a RowSync or backfill copying the
     * same rows can then never land between the two halves of the write. A batch that failed part-way keeps
     * the rows the driver applied, as it would without dual write.
     */
    private <T> T holding(Side authority, boolean needed, Plan plan, Object[] values, Work<T> work) throws SQLException {
        boolean hold = needed && conn.holdLocks(authority);
        boolean applied = false;
        try {
            T out = work.run();
            applied = true;
            return out;
        } catch (BatchUpdateException partial) {
            applied = true;
            throw partial;
        } finally {
            if (hold) {
                conn.releaseLocks(applied, plan, values);
            }
        }
    }

    /**
     * Enters the key fence for the users of dual writes and locking reads (see {@link KeyFence}); in auto-commit
     * mode the caller closes what this returns after the write, in a transaction the tickets close when it ends.
     */
    RowSync.LiveWrites.Fence fence(List<Plan> plans) {
        List<KeyFence.Ticket> tickets = null;
        long timeout = TimeUnit.SECONDS.toNanos(engine.secondaryTimeoutSeconds());
        for (Plan plan : plans) {
            // a locking read takes the authority's row locks as the transaction's writes will: fenced alike
            if (plan.unit() == null || !plan.dual() && plan.shape().kind() != SqlKind.LOCKING_SELECT) {
                continue;
            }
            for (RoutingKey key : plan.keys()) {
                boolean[] timedOut = new boolean[1];
                if (tickets == null) {
                    tickets = new ArrayList<>(2);
                }
                tickets.add(engine.fence().enter(plan.unit().name(), key, plan.authority(), timeout, timedOut));
                if (timedOut[0]) {
                    engine.warnOnce("fence", plan.unit().name(), () -> "dualwrite: writes of a user of unit "
                            + plan.unit().name() + " with the other side first were still running after "
                            + engine.secondaryTimeoutSeconds() + " s; went ahead (logged once)");
                }
            }
        }
        if (tickets == null) {
            current = null;
            return NO_FENCE;
        }
        if (!conn.autoCommitMode()) {
            conn.tx().hold(tickets);
            current = null;
            return NO_FENCE;
        }
        current = new WriteFence(tickets);
        return current;
    }

    /** An auto-commit write's tickets: closed after the write, or handed to its ASYNC secondary half. */
    private static final class WriteFence implements RowSync.LiveWrites.Fence {
        private List<KeyFence.Ticket> tickets;

        WriteFence(List<KeyFence.Ticket> tickets) {
            this.tickets = tickets;
        }

        /** The tickets, for whoever closes them now; this fence then closes nothing. */
        List<KeyFence.Ticket> handOver() {
            List<KeyFence.Ticket> t = tickets;
            tickets = List.of();
            return t;
        }

        @Override
        public void close() {
            handOver().forEach(KeyFence.Ticket::close);
        }
    }

    /**
     * Decides how the secondary half of a write with these plans runs ({@link Mode}), before its authority runs:
     * ASYNC when the document says so (pinned for a transaction at its first write) or when earlier ASYNC writes
     * of its users are still queued (it queues behind them).
     */
    private Mode decide(List<Plan> plans) {
        Side secondary = null;
        for (Plan p : plans) {
            if (p.secondary() != null) {
                secondary = p.secondary();
            }
        }
        boolean queued = secondary != null && queuedUsers(plans);
        boolean async;
        if (conn.autoCommitMode()) {
            async = engine.asyncMode() || queued;
        } else {
            TxState t = conn.tx();
            if (t.async == null && secondary != null) {
                t.async = engine.asyncMode();
            }
            async = Boolean.TRUE.equals(t.async);
        }
        if (secondary == null) {
            mode = Mode.SYNC;
        } else if (async) {
            mode = Mode.ASYNC;
        } else if (queued) {
            mode = Mode.QUEUED;
        } else {
            mode = engine.breakerOpen(secondary) ? Mode.BREAKER_OPEN : Mode.SYNC;
        }
        stamp = mode == Mode.ASYNC ? engine.lanes().stamp(plans) : null;
        return mode;
    }

    /**
     * An auto-commit ASYNC write's place in its users' order, held from before its authority runs until it is
     * queued (a transaction takes it at its commit); when it cannot be had in time the write is journaled.
     */
    private AsyncLanes.Place place() {
        if (mode != Mode.ASYNC || !conn.autoCommitMode()) {
            return AsyncLanes.Place.NONE;
        }
        AsyncLanes.Place place = engine.lanes().place(stamp, engine.secondaryDeadlineNanos());
        if (!place.held()) {
            mode = Mode.UNORDERED;
        }
        return place;
    }

    private boolean queuedUsers(List<Plan> plans) {
        DirtyKeys dirty = engine.dirtyKeys();
        if (!dirty.anyQueued()) {
            return false;
        }
        for (Plan p : plans) {
            if (p.dual() && p.unit() != null) {
                for (RoutingKey k : p.keys()) {
                    if (dirty.queued(p.unit().name(), k) != 0) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Queues detached work on its users' lane, or keeps it for the transaction's commit. */
    private void queue(Side side, SecondaryWork work) {
        SecondaryWork detached;
        try {
            detached = work.detached();
        } catch (RuntimeException e) {
            conn.journal(work.everything(now(), JournalEntry.Reason.ERROR, e, "could not be queued ASYNC"));
            return;
        }
        if (conn.autoCommitMode()) {
            engine.lanes().submit(side, List.of(detached), stamp, current == null ? List.of() : current.handOver());
        } else {
            conn.tx().queue(side, detached, stamp);
        }
    }

    /**
     * Runs the secondary half of a write behind the circuit breaker. Whatever happens is absorbed
     * (guarantee G1) and whatever did not verifiably apply is journaled (G2): before this returns in
     * auto-commit mode, when the authority commits in a transaction. Inside a transaction a failure abandons
     * the secondary transaction: it is rolled back and everything it held is journaled.
     */
    private void runSecondary(Side side, SecondaryWork work) {
        EngineStats stats = engine.counters();
        Instant now = now();
        boolean autoCommit = conn.autoCommitMode();
        if (mode == Mode.ASYNC) {
            queue(side, work);
            return;
        }
        if (mode == Mode.QUEUED || mode == Mode.UNORDERED) {
            conn.journal(work.everything(now, JournalEntry.Reason.ASYNC_SKIPPED, null, mode == Mode.QUEUED
                    ? "not run: ASYNC writes of its users were still queued, a SYNC transaction would overtake them"
                    : "not run: other ASYNC writes of its users held their place in the order for too long"));
            return;
        }
        if (!autoCommit && conn.tx().secondaryAbandoned) {
            conn.journal(work.everything(now, JournalEntry.Reason.ERROR, null,
                    "not run: the secondary transaction was abandoned after an earlier failure"));
            return;
        }
        CircuitBreaker breaker = engine.breaker(side);
        if (mode == Mode.BREAKER_OPEN) {
            stats.breakerRejections.increment();
            String why = "not run: the circuit breaker in front of " + side + " is OPEN";
            engine.secondaryFailed(work.unit(), side, why);
            conn.journal(work.everything(now, JournalEntry.Reason.BREAKER_OPEN, null, why));
            return;
        }
        CircuitBreaker.State state = breaker.getState();
        if (!breaker.tryAcquirePermission()) {
            stats.breakerRejections.increment();
            // the state read before asking: the one that refused (it may have moved on since)
            CircuitBreaker.State refused = state == CircuitBreaker.State.CLOSED ? breaker.getState() : state;
            String why = "not run: the circuit breaker in front of " + side + " is " + refused
                    + (refused == CircuitBreaker.State.HALF_OPEN ? " and its trial calls are taken" : "");
            engine.secondaryFailed(work.unit(), side, why);
            conn.journal(work.everything(now, JournalEntry.Reason.BREAKER_OPEN, null, why));
            return;
        }
        long start = System.nanoTime();
        try {
            conn.onSecondary(side, "secondary write", () -> {
                work.run();
                return null;
            });
        } catch (SQLException | RuntimeException | LinkageError | java.util.ServiceConfigurationError e) {
            if (SecondaryRunner.connectivity(e)) {
                breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
            } else {
                breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS); // the side answered: a data error
            }
            stats.secondaryFailures.increment();
            engine.secondaryFailed(work.unit(), side, e.toString());
            log.debug("dualwrite: secondary {} failed, journaled", side, e);
            List<JournalEntry> entries = work.everything(now, JournalEntry.Reason.ERROR, e, null);
            if (autoCommit) {
                engine.journal(entries);
            } else {
                conn.abandonSecondary(side, now, e, entries);
            }
            return;
        }
        breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        stats.secondaryWrites.increment();
        List<JournalEntry> unverified = work.unverified(now);
        if (!unverified.isEmpty()) {
            stats.rowCountMismatches.add(unverified.size());
            engine.secondaryFailed(work.unit(), side, unverified.get(0).errorMessage());
            conn.journal(unverified);
        }
        if (!autoCommit) {
            conn.tx().keep(work);
        }
    }

    private static List<Integer> allRows(int n) {
        List<Integer> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            all.add(i);
        }
        return all;
    }

    private static TableConfig idTable(Plan plan) {
        return plan.unit().table(plan.shape().tables().get(0)).orElseThrow();
    }

    private Instant now() {
        return engine.clock().instant();
    }
}
