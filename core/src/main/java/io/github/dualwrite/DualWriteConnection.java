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
    private final List<TrackedStatement> statements = new ArrayList<>();
    private boolean autoCommit = true;
    /** The current transaction, null in auto-commit mode and before a transaction's first statement. */
    private TxState tx;
    /** In auto-commit mode, the side whose statement runs in a local transaction until the other side ran. */
    private Side held;
    private boolean closed;

    private final Sides sides;

    DualWriteConnection(Engine engine) {
        this.engine = engine;
        this.sides = new Sides(engine, physical);
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
            tx = new TxState(new TxPins(engine.table()), engine.maxBufferedSecondaryBytes());
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

    /** Where the whole application lives (see {@link SideRules#homeSide}). */
    @Override
    Side homeSide() {
        return SideRules.homeSide(table());
    }

    /** The side a statement always runs on under {@code table}, or null (see {@link SideRules#fixedSide}). */
    Side fixedSide(SqlShape shape, RoutingTable table) {
        return SideRules.fixedSide(shape, table, engine.dirtyKeys());
    }

    /** The side a stored procedure may run on (see {@link SideRules#callSide}). */
    Side callSide(String sql) throws SQLException {
        return SideRules.callSide(sql, table(), engine.dirtyKeys());
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
        Integer owner = Sides.owner();
        Connection open = sides.current(owner, side);
        if (open != null) {
            return open;
        }
        Connection c = engine.dataSource(side).getConnection(); // may wait for the pool: never under a lock
        try {
            if (!autoCommit) {
                c.setAutoCommit(false);
            }
            configureNew(side, c);
            sides.install(owner, side, c);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
        return c;
    }

    /** Which physical connection of a side statements may use: a detached one is never used again. */
    int generation(Side side) {
        return sides.generation(side);
    }

    /** Runs secondary work within the secondary deadline (see {@link Sides#onSecondary}). */
    <T> T onSecondary(Side side, String what, SecondaryRunner.Call<T> call) throws SQLException {
        return sides.onSecondary(side, what, call);
    }

    private void onSecondaryQuietly(Side side, String what, PhysicalAction action) {
        sides.onSecondaryQuietly(side, what, action);
    }

    private void detach(Side side, java.util.concurrent.CompletableFuture<?> stuck) {
        sides.detach(side, stuck);
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
        if (!Boolean.TRUE.equals(t.async) || t.secondaryWrites.isEmpty()) {
            commit(t, AsyncLanes.Place.NONE);
            return;
        }
        // ASYNC: the transaction takes its users' place in the order before its authority commits (see AsyncLanes)
        try (AsyncLanes.Place place = engine.lanes().place(t.stamp(), ASYNC_COMMIT_PLACE_NANOS)) {
            commit(t, place);
        }
    }

    /** How long an ASYNC transaction's commit waits for its users' place in the order before journaling instead. */
    private static final long ASYNC_COMMIT_PLACE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private void commit(TxState t, AsyncLanes.Place place) throws SQLException {
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
        if (Boolean.TRUE.equals(t.async) && !t.secondaryWrites.isEmpty()) {
            if (place.held()) {
                // committed: its ASYNC writes go to their lane as one transaction, holding its fence until they ran
                engine.lanes().submit(t.asyncSide, List.copyOf(t.secondaryWrites), t.stamp(), t.takeFences());
            } else {
                List<JournalEntry> skipped = new ArrayList<>();
                for (SecondaryWork w : t.secondaryWrites) {
                    skipped.addAll(w.everything(engine.clock().instant(), JournalEntry.Reason.ASYNC_SKIPPED, null,
                            "not run: other writes of its users held their place in the ASYNC order at its commit"));
                }
                engine.journal(skipped);
            }
        }
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
                // on a worker within the secondary deadline, like every other secondary call
                sides[first.other().ordinal()] = onSecondary(first.other(), "savepoint",
                        () -> name == null ? b.setSavepoint() : b.setSavepoint(name));
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
                onSecondary(first.other(), "rollback to a savepoint", () -> {
                    rollbackTo(b, sp.side(first.other()));
                    return null;
                });
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
                onSecondary(first.other(), "release of a savepoint", () -> {
                    b.releaseSavepoint(own);
                    return null;
                });
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
        Side home = tx == null ? homeSide() : tx.authority(homeSide());
        // in NEW_PRIMARY the home side (old) is a secondary too: its rollback, and the pool's reset of auto-commit
        // on close, are round trips to a side that may hang, held to the secondary deadline like the other side's
        boolean homeBounded = !autoCommit && SideRules.secondaryIn(table(), home);
        if (!autoCommit) {
            if (homeBounded) {
                onSecondaryQuietly(home, "rollback", Connection::rollback);
            } else {
                rollbackQuietly(physical[home.ordinal()]);
            }
            onSecondaryQuietly(home.other(), "rollback", Connection::rollback);
        }
        if (tx != null) {
            tx.closeFences();
        }
        tx = null;
        // the other side is closed within the secondary deadline and its failure never reaches the caller: its
        // work was journaled already, and a caller told "failed" after its commit would retry a committed write
        onSecondaryQuietly(home.other(), "close", Connection::close);
        if (homeBounded) {
            onSecondaryQuietly(home, "close", Connection::close);
        }
        closed = true;
        Connection c = physical[home.ordinal()];
        physical[0] = null;
        physical[1] = null;
        if (c != null && !homeBounded) {
            c.close();
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
