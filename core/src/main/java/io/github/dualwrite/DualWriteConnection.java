package io.github.dualwrite;

import io.github.dualwrite.config.Side;
import io.github.dualwrite.journal.JournalEntry;
import io.github.dualwrite.routing.RoutingTable;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One logical connection over up to two physical ones, opened when a side is first needed. Settings
 * (auto-commit, read-only, isolation, network timeout) are kept here and applied to every physical
 * connection. In a transaction the secondary side runs its own transaction alongside: commit is the
 * authority's commit, then the secondary's (a failing secondary commit is journaled, never thrown);
 * rollback is both.
 */
final class DualWriteConnection extends HomeSideConnection {

    private static final Logger log = LoggerFactory.getLogger(DualWriteConnection.class);

    private final Engine engine;
    private final Connection[] physical = new Connection[2];
    /** Bumped when a side is detached (see {@link #onSecondary}); statements drop that side's statements. */
    private final java.util.concurrent.atomic.AtomicIntegerArray generation = new java.util.concurrent.atomic.AtomicIntegerArray(2);
    /** On a secondary worker: the generation of the side its call belongs to. */
    private static final ThreadLocal<Integer> WORKER_GENERATION = new ThreadLocal<>();
    private final List<TrackedStatement> statements = new ArrayList<>();
    private boolean autoCommit = true;
    /** The current transaction, null in auto-commit mode and before a transaction's first statement. */
    private TxState tx;
    /** In auto-commit mode, the side whose statement runs in a local transaction until the other side ran. */
    private Side held;
    private boolean closed;

    DualWriteConnection(Engine engine) {
        this.engine = engine;
    }

    Engine engine() {
        return engine;
    }

    private Execution execution;

    /** Where this connection's routed executions are decided and run. */
    Execution execution() {
        if (execution == null) {
            execution = new Execution(this);
        }
        return execution;
    }

    /** Whether the application's connection is in auto-commit mode. */
    boolean autoCommitMode() {
        return autoCommit;
    }

    // ------------------------------------------------------------------ routing support

    /** The routes for the next statement: the transaction's pinned ones, or the document in force. */
    RoutingTable table() {
        if (autoCommit) {
            return engine.table();
        }
        return tx().pins.table();
    }

    TxState tx() {
        if (tx == null) {
            tx = new TxState(new TxPins(engine.table()));
        }
        return tx;
    }

    /** The transaction's decisions so far, null in auto-commit mode. */
    TxPins pins() {
        return autoCommit ? null : tx().pins;
    }

    /** Decides where a statement goes; counts refusals. */
    Plan plan(SqlShape shape, Object[] values, CallContext context) throws SQLException {
        checkOpen();
        try {
            TxPins pins = pins();
            Plan plan = Planner.decide(shape, values, context, table(), pins, !autoCommit && tx().secondaryBehind,
                    engine.dirtyKeys()).apply(pins);
            if (plan.unit() != null && plan.keys().isEmpty() && shape.isWrite() && plan.dual()) {
                engine.counters().unkeyed.increment();
                engine.warnOnce("unkeyed", shape.sql(), () -> "dualwrite: no routing key for unit " + plan.unit().name()
                        + " in `" + Planner.abbreviate(shape.sql()) + "`: " + plan.reason() + " (logged once per statement)");
            }
            if (shape.problem() != null) {
                engine.warnOnce("unparsed", shape.sql(), () -> "dualwrite: " + plan.reason() + ": `"
                        + Planner.abbreviate(shape.sql()) + "` (logged once per statement)");
            }
            return plan;
        } catch (SQLException e) {
            engine.counters().rejected.increment();
            throw e;
        }
    }

    /** Where the whole application lives: the new side once every unit is NEW_ONLY, else the old one. */
    @Override
    Side homeSide() {
        io.github.dualwrite.config.MigrationConfig config = table().snapshot().config();
        if (config.units().isEmpty()) {
            return Side.OLD;
        }
        for (io.github.dualwrite.config.UnitConfig u : config.units().values()) {
            if (u.stage() != io.github.dualwrite.config.Stage.NEW_ONLY || u.hasGray()) {
                return Side.OLD;
            }
        }
        return Side.NEW;
    }

    /**
     * Whether a statement can skip planning: it touches no migrated table, or only units whose users are
     * all on one side (and, with tables that are not migrated, that side is the old one). Returns that
     * side, or null when the statement must be planned at each execution.
     */
    Side fixedSide(SqlShape shape, RoutingTable table) {
        if (shape.problem() != null || shape.kind() == SqlKind.TRANSACTION_CONTROL || shape.kind() == SqlKind.OTHER_WRITE) {
            return null;
        }
        Side side = null;
        boolean unmigrated = false;
        for (String t : shape.tables()) {
            io.github.dualwrite.config.UnitConfig u = table.unitOf(t);
            if (u == null) {
                unmigrated = true;
                continue;
            }
            if (!table.isSingleSided(u) || engine.dirtyKeys().any(u.name())) {
                return null; // users on two sides, or users whose rows are behind: plan every execution
            }
            io.github.dualwrite.config.TableConfig config = u.table(t).orElseThrow();
            if (shape.insert() != null && config.idSource().injects()
                    && shape.insert().columnIndex(config.primaryKey().get(0)) < 0) {
                return null; // an INSERT without its id column: every execution takes ids from the id source
            }
            Side s = u.stage().authority();
            if (side != null && s != side) {
                return null;
            }
            side = s;
        }
        if (side == null) {
            side = Side.OLD;
        } else if (unmigrated && side != Side.OLD) {
            return null;
        }
        return side;
    }

    /** Whether the current transaction already writes with an authority other than {@code side}. */
    boolean writesElsewhere(Side side) {
        if (autoCommit || tx == null) {
            return false;
        }
        Side authority = tx.pins.authority();
        return authority != null && authority != side;
    }

    /** Records that a write ran on {@code side}, its authority for the rows it touched. */
    void wroteAuthoritative(Side side) {
        if (!autoCommit) {
            tx().wroteAuthoritative(side);
        }
    }

    /**
     * Journals entries: at once in auto-commit mode; inside a transaction after its authority commits
     * (dropped if it rolls back), and reads stay on the authority for the rest of the transaction.
     */
    void journal(List<JournalEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        if (autoCommit) {
            engine.journal(entries);
        } else {
            TxState t = tx();
            t.journal.addAll(entries);
            t.secondaryBehind = true;
        }
    }

    // ------------------------------------------------------------------ physical connections

    /** The physical connection of a side, opened and configured on first use (on a secondary worker, maybe). */
    @Override
    Connection physical(Side side) throws SQLException {
        checkOpen();
        int i = side.ordinal();
        Integer owner = WORKER_GENERATION.get();
        synchronized (this) {
            checkOwner(owner, i);
            if (physical[i] != null) {
                return physical[i];
            }
        }
        Connection c = engine.dataSource(side).getConnection(); // may wait for the pool: never under the lock
        try {
            if (!autoCommit) {
                c.setAutoCommit(false);
            }
            configureNew(side, c);
            synchronized (this) {
                checkOwner(owner, i);
                physical[i] = c;
            }
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
        return c;
    }

    /** A worker whose call was abandoned at its deadline must not open or use the side's next connection. */
    private void checkOwner(Integer owner, int side) throws SQLException {
        if (owner != null && owner != generation.get(side)) {
            throw new SQLException("dualwrite: this secondary call was abandoned at its deadline", "08003");
        }
    }

    /** Which physical connection of a side statements may use: a detached one is never used again. */
    int generation(Side side) {
        return generation.get(side.ordinal());
    }

    /**
     * Runs secondary work on a worker within the secondary deadline (see {@link SecondaryRunner}). When the
     * deadline passes or the connection breaks, the side is detached: its physical connection is aborted where
     * the driver allows it and closed once the hung call returns, and the next call opens a new one.
     */
    <T> T onSecondary(Side side, String what, SecondaryRunner.Call<T> call) throws SQLException {
        int owner = generation.get(side.ordinal());
        try {
            return engine.onSecondary(side, what, () -> {
                WORKER_GENERATION.set(owner);
                try {
                    return call.run();
                } finally {
                    WORKER_GENERATION.remove();
                }
            });
        } catch (SecondaryRunner.TimedOut t) {
            detach(side, t.stuck());
            throw t;
        } catch (SQLException | RuntimeException e) {
            if (SecondaryRunner.connectivity(e)) {
                detach(side, java.util.concurrent.CompletableFuture.completedFuture(null));
            }
            throw e;
        }
    }

    /** {@link #onSecondary} for an action on the side's open physical connection, if any; never throws. */
    private void onSecondaryQuietly(Side side, String what, PhysicalAction action) {
        Connection c;
        synchronized (this) {
            c = physical[side.ordinal()];
        }
        if (c == null) {
            return;
        }
        try {
            onSecondary(side, what, () -> {
                action.apply(c);
                return null;
            });
        } catch (SQLException | RuntimeException e) {
            log.debug("dualwrite: {} on {} failed", what, side, e);
        }
    }

    /** Forgets the side's physical connection: aborted now where possible, closed when {@code stuck} returns. */
    private void detach(Side side, java.util.concurrent.CompletableFuture<?> stuck) {
        Connection c;
        synchronized (this) {
            c = physical[side.ordinal()];
            physical[side.ordinal()] = null;
            generation.incrementAndGet(side.ordinal());
        }
        if (c == null) {
            return;
        }
        try {
            c.abort(Runnable::run); // frees a hung socket read (HikariCP, plain drivers; ShardingSphere cannot)
        } catch (SQLException | RuntimeException | LinkageError notSupported) {
            log.debug("dualwrite: cannot abort the {} connection: {}", side, notSupported.toString());
        }
        stuck.whenComplete((r, e) -> closeQuietly(c));
    }

    /**
     * Applies a setting to every open side: the side that holds the transaction's authority (or the home
     * side) first, failures thrown; then the other one, within the secondary deadline, whose failure drops it
     * (its secondary work is journaled) unless it holds authoritative writes of its own.
     */
    @Override
    void forEachSide(PhysicalAction action) throws SQLException {
        Side first = autoCommit || tx == null ? homeSide() : tx.authority(homeSide());
        Connection a = physical[first.ordinal()];
        if (a != null) {
            action.apply(a);
        }
        Side other = first.other();
        Connection b = physical[other.ordinal()];
        if (b == null) {
            return;
        }
        try {
            onSecondary(other, "a connection setting", () -> {
                action.apply(b);
                return null;
            });
        } catch (SQLException | RuntimeException e) {
            if (!autoCommit && tx != null && tx.holdsAuthoritativeWrites(other)) {
                throw e;
            }
            log.warn("dualwrite: the {} side refused a connection setting ({}); it is dropped from this connection",
                    other, e.toString());
            if (!autoCommit && tx != null) {
                abandonSecondary(other, engine.clock().instant(), e, List.of());
            }
            detach(other, java.util.concurrent.CompletableFuture.completedFuture(null));
        }
    }

    // ------------------------------------------------------------------ holding the first side's locks

    /**
     * In auto-commit mode, starts a local transaction on {@code side} for the first half of a dual write, so
     * that its row locks stay held until the second half ran (inside a transaction they are held anyway).
     *
     * @return whether a local transaction was started (and must be ended with {@link #releaseLocks})
     */
    boolean holdLocks(Side side) throws SQLException {
        if (!autoCommit || held != null) {
            return false;
        }
        physical(side).setAutoCommit(false);
        held = side;
        return true;
    }

    /**
     * Ends the local transaction: commits when the first half succeeded (whatever the second did), rolls back
     * when it failed, and returns the side to auto-commit. A commit that fails after the second side applied
     * leaves the second side ahead: that is journaled before the failure is passed on.
     *
     * <p>On the old side the commit is the return to auto-commit itself (JDBC commits an open transaction when
     * the mode changes): one round trip instead of two. ShardingSphere, over several physical connections,
     * gets an explicit commit first.
     */
    void releaseLocks(boolean commit, Plan plan, Object[] values) throws SQLException {
        Side side = held;
        if (side == null) {
            return; // already released: a failed commit is passed on through the caller's failure path
        }
        held = null;
        Connection c = physical[side.ordinal()];
        if (c == null) {
            return;
        }
        if (!commit) {
            try {
                rollbackQuietly(c);
            } finally {
                c.setAutoCommit(true);
            }
            return;
        }
        try {
            if (side == Side.NEW) {
                c.commit();
            }
            c.setAutoCommit(true);
        } catch (SQLException | RuntimeException e) {
            engine.journal(Journaling.entries(engine.clock().instant(), plan, values, null, side.other(),
                    JournalEntry.Reason.COMMIT_FAILED, e, side + " did not commit after " + side.other() + " applied"));
            rollbackQuietly(c);
            try {
                c.setAutoCommit(true);
            } catch (SQLException | RuntimeException again) {
                // stuck outside auto-commit: never reuse it (the pool resets it on return)
                e.addSuppressed(again);
                physical[side.ordinal()] = null;
                closeQuietly(c);
            }
            throw e;
        }
    }

    // ------------------------------------------------------------------ the secondary side

    /**
     * Rolls the secondary transaction back and keeps entries for everything it held ({@code failed}: the
     * entries of the statement that failed, if any), to be journaled when the transaction ends.
     */
    void abandonSecondary(Side side, java.time.Instant now, Throwable cause, List<JournalEntry> failed) {
        TxState t = tx();
        t.abandonment.addAll(failed);
        t.secondaryAbandoned = true;
        t.secondaryBehind = true;
        onSecondaryQuietly(side, "rollback", Connection::rollback);
        for (SecondaryWork w : t.secondaryWrites) {
            t.abandonment.addAll(w.everything(now, JournalEntry.Reason.COMMIT_FAILED, cause,
                    "rolled back: a later secondary statement of the same transaction failed"));
        }
        t.secondaryWrites.clear();
    }

    // ------------------------------------------------------------------ transactions

    @Override
    public void setAutoCommit(boolean value) throws SQLException {
        checkOpen();
        if (value == autoCommit) {
            return;
        }
        if (value && tx != null) {
            commit();
        }
        forEachSide(c -> c.setAutoCommit(value));
        autoCommit = value;
        tx = null;
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        checkOpen();
        return autoCommit;
    }

    /**
     * Commits the authority first. If it fails, the other side is rolled back and the failure thrown. Then
     * the other side: a failure is journaled (its secondary writes did not apply) and thrown only if that
     * side holds authoritative writes of its own (a table that is not migrated, say), because those are now
     * lost. Journal entries of the transaction are written once the authority has committed.
     */
    @Override
    public void commit() throws SQLException {
        checkOpen();
        if (autoCommit) {
            throw new SQLException("dualwrite: commit() called in auto-commit mode", "25000");
        }
        TxState t = tx;
        tx = null;
        if (t == null) {
            commitQuietlyAll();
            return;
        }
        try {
            commit(t);
        } finally {
            t.closeFences();
        }
    }

    private void commit(TxState t) throws SQLException {
        Side first = t.authority(homeSide());
        Connection a = physical[first.ordinal()];
        Connection b = physical[first.other().ordinal()];
        try {
            if (a != null) {
                a.commit();
            }
        } catch (SQLException | RuntimeException e) {
            onSecondaryQuietly(first.other(), "rollback", Connection::rollback);
            // a commit can fail after the server committed (a connection lost on the way back): then the sides
            // differ and only the journal can say so; a repair of a transaction that did roll back copies nothing
            List<JournalEntry> unsure = t.journalOnCommit();
            for (SecondaryWork w : t.secondaryWrites) {
                unsure.addAll(w.everything(engine.clock().instant(), JournalEntry.Reason.COMMIT_FAILED, e,
                        "the commit on " + first + " failed, it may have gone through: " + e.getMessage()));
            }
            engine.journal(unsure);
            throw e;
        }
        List<JournalEntry> entries = t.journalOnCommit();
        SQLException secondFailed = null;
        if (b != null) {
            try {
                onSecondary(first.other(), "commit", () -> {
                    b.commit();
                    return null;
                });
            } catch (SQLException | RuntimeException e) {
                if (SecondaryRunner.connectivity(e)) {
                    engine.breaker(first.other()).onError(0, TimeUnit.NANOSECONDS, e);
                }
                engine.counters().secondaryFailures.increment();
                for (SecondaryWork w : t.secondaryWrites) {
                    entries.addAll(w.everything(engine.clock().instant(), JournalEntry.Reason.COMMIT_FAILED, e, null));
                }
                onSecondaryQuietly(first.other(), "rollback", Connection::rollback);
                if (t.holdsAuthoritativeWrites(first.other())) {
                    secondFailed = new SQLException("dualwrite: the transaction committed on " + first + " but its commit on "
                            + first.other() + ", which held writes of its own, failed; those are lost: " + e.getMessage(),
                            "40000", e);
                }
            }
        }
        engine.journal(entries);
        if (secondFailed != null) {
            throw secondFailed;
        }
    }

    private void commitQuietlyAll() throws SQLException {
        for (Connection c : physical) {
            if (c != null) {
                c.commit();
            }
        }
    }

    /** Rolls back both sides; entries waiting for the commit are dropped (nothing they describe happened). */
    @Override
    public void rollback() throws SQLException {
        checkOpen();
        if (autoCommit) {
            throw new SQLException("dualwrite: rollback() called in auto-commit mode", "25000");
        }
        TxState t = tx;
        tx = null;
        Side first = t == null ? homeSide() : t.authority(homeSide());
        Connection a = physical[first.ordinal()];
        Connection b = physical[first.other().ordinal()];
        try {
            if (a != null) {
                a.rollback();
            }
        } finally {
            onSecondaryQuietly(first.other(), "rollback", Connection::rollback);
            if (t != null) {
                t.closeFences();
            }
        }
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        return setSavepoint(null);
    }

    /**
     * Sets a savepoint on every open side. The secondary's refusal abandons the secondary transaction
     * (journaled) instead of failing the call.
     */
    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        checkOpen();
        if (autoCommit) {
            throw new SQLException("dualwrite: savepoints need a transaction (auto-commit is on)", "25000");
        }
        TxState t = tx();
        Side first = t.authority(homeSide());
        Savepoint[] sides = new Savepoint[2];
        Connection a = physical[first.ordinal()];
        if (a != null) {
            sides[first.ordinal()] = name == null ? a.setSavepoint() : a.setSavepoint(name);
        }
        Connection b = physical[first.other().ordinal()];
        if (b != null && !t.secondaryAbandoned) {
            try {
                sides[first.other().ordinal()] = name == null ? b.setSavepoint() : b.setSavepoint(name);
            } catch (SQLException | RuntimeException e) {
                if (t.holdsAuthoritativeWrites(first.other())) {
                    throw e;
                }
                abandonSecondary(first.other(), engine.clock().instant(), e, List.of());
            }
        }
        return new DualSavepoint(name, sides, t.secondaryWrites.size(), t.journal.size());
    }

    /**
     * Rolls back to a savepoint: the authority first, then the other side, which is rolled back entirely
     * when it was opened after the savepoint (it holds only later work). Secondary writes and journal
     * entries after the savepoint are forgotten: what they describe no longer happened.
     */
    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        checkOpen();
        DualSavepoint sp = DualSavepoint.of(savepoint);
        TxState t = tx();
        Side first = t.authority(homeSide());
        rollbackTo(physical[first.ordinal()], sp.side(first));
        Connection b = physical[first.other().ordinal()];
        if (b != null && !t.secondaryAbandoned) {
            try {
                rollbackTo(b, sp.side(first.other()));
            } catch (SQLException | RuntimeException e) {
                if (t.holdsAuthoritativeWrites(first.other())) {
                    throw e;
                }
                abandonSecondary(first.other(), engine.clock().instant(), e, List.of());
            }
        }
        while (t.secondaryWrites.size() > sp.secondaryWrites()) {
            t.secondaryWrites.remove(t.secondaryWrites.size() - 1);
        }
        while (t.journal.size() > sp.journalEntries()) {
            t.journal.remove(t.journal.size() - 1);
        }
    }

    private static void rollbackTo(Connection c, Savepoint own) throws SQLException {
        if (c == null) {
            return;
        }
        if (own != null) {
            c.rollback(own);
        } else {
            c.rollback();
        }
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        checkOpen();
        DualSavepoint sp = DualSavepoint.of(savepoint);
        TxState t = tx();
        Side first = t.authority(homeSide());
        Connection a = physical[first.ordinal()];
        if (a != null && sp.side(first) != null) {
            a.releaseSavepoint(sp.side(first));
        }
        Connection b = physical[first.other().ordinal()];
        Savepoint own = sp.side(first.other());
        if (b != null && own != null && !t.secondaryAbandoned) {
            try {
                b.releaseSavepoint(own);
            } catch (SQLException | RuntimeException e) {
                log.debug("dualwrite: releasing a savepoint on the secondary failed", e);
            }
        }
    }

    @Override
    Statement newStatement(StatementOptions options) throws SQLException {
        checkOpen();
        return track(new DualWriteStatement(this, options));
    }

    @Override
    PreparedStatement prepare(String sql, StatementOptions options) throws SQLException {
        checkOpen();
        return track(new DualWritePreparedStatement(this, sql, options));
    }

    @Override
    Connection[] opened() {
        return physical;
    }

    /** Stored procedures: see {@link CallableStatements}. */
    @Override
    CallableStatement call(String sql, int type, int concurrency, int holdability) throws SQLException {
        checkOpen();
        CallableStatement call = CallableStatements.prepare(this, sql, type, concurrency, holdability);
        statements.add((TrackedStatement) call);
        return call;
    }

    /**
     * The side a stored procedure may run on: the one every unit is on (the old side without units). Refused
     * while any unit writes both sides, or has users whose rows are behind: a procedure's writes can be
     * neither repeated nor checked.
     */
    Side callSide(String sql) throws SQLException {
        RoutingTable table = table();
        Side side = null;
        for (io.github.dualwrite.config.UnitConfig u : table.snapshot().config().units().values()) {
            Side s = u.stage().authority();
            if (!table.isSingleSided(u) || engine.dirtyKeys().any(u.name()) || side != null && s != side) {
                throw Planner.reject("stored procedure call `" + Planner.abbreviate(sql) + "` while unit " + u.name()
                        + " is in stage " + (u.hasGray() ? u.stage() + " (gray " + u.gray().stage() + ")" : u.stage())
                        + (side != null && s != side ? " and another unit is on " + side : "")
                        + ": what a procedure writes can be neither repeated on the other side nor checked; call it"
                        + " through each side's own DataSource, or once every unit is OLD_ONLY or NEW_ONLY");
            }
            side = s;
        }
        return side == null ? Side.OLD : side;
    }

    private <T extends TrackedStatement> T track(T statement) {
        statements.add(statement);
        return statement;
    }

    void forget(TrackedStatement statement) {
        statements.remove(statement);
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void abort(Executor executor) throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        if (tx != null) {
            tx.closeFences(); // the aborted transaction never commits: its users' writes the other way may go on
            tx = null;
        }
        for (Connection c : physical) {
            if (c != null) {
                c.abort(executor);
            }
        }
    }

    /** Closes every statement, rolls back an unfinished transaction and returns both physical connections. */
    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        for (TrackedStatement s : new ArrayList<>(statements)) {
            s.closeQuietly();
        }
        statements.clear();
        if (!autoCommit) {
            Side first = tx == null ? homeSide() : tx.authority(homeSide());
            rollbackQuietly(physical[first.ordinal()]);
            onSecondaryQuietly(first.other(), "rollback", Connection::rollback);
        }
        if (tx != null) {
            tx.closeFences();
        }
        tx = null;
        closed = true;
        SQLException first = null;
        for (int i = 0; i < physical.length; i++) {
            if (physical[i] != null) {
                try {
                    physical[i].close();
                } catch (SQLException e) {
                    if (first == null) {
                        first = e;
                    }
                }
                physical[i] = null;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLException("dualwrite: this connection is closed", "08003");
        }
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        Connection old = physical(homeSide());
        return iface.isInstance(old) ? iface.cast(old) : old.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return true;
        }
        Connection old = physical(homeSide());
        return iface.isInstance(old) || old.isWrapperFor(iface);
    }
}
