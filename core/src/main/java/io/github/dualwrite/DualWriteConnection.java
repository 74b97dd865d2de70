package io.github.dualwrite;

import io.github.dualwrite.config.Side;
import io.github.dualwrite.sync.RowSync;
import io.github.dualwrite.journal.JournalEntry;
import io.github.dualwrite.routing.RoutingTable;
import io.github.dualwrite.SqlKind;
import io.github.dualwrite.SqlShape;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
final class DualWriteConnection implements Connection {

    private static final Logger log = LoggerFactory.getLogger(DualWriteConnection.class);

    private final Engine engine;
    private final Connection[] physical = new Connection[2];
    private final List<TrackedStatement> statements = new ArrayList<>();
    private boolean autoCommit = true;
    private boolean readOnly;
    private Integer isolation;
    private Integer holdability;
    private Executor networkExecutor;
    private Integer networkTimeout;
    private String catalog;
    private String schema;
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

    private WritePath writes;

    /** Closes nothing: for writes that need no fence, and for transactions, whose tickets close at their end. */
    static final RowSync.LiveWrites.Fence NO_FENCE = () -> { };

    /**
     * Enters the key fence for the users of dual writes and locking reads (see {@link KeyFence}); in auto-commit
     * mode the caller
     * closes what this returns after the write, in a transaction the tickets close when it ends.
     */
    RowSync.LiveWrites.Fence fence(List<Plan> plans) {
        List<KeyFence.Ticket> tickets = null;
        long timeout = java.util.concurrent.TimeUnit.SECONDS.toNanos(engine.secondaryTimeoutSeconds());
        for (Plan plan : plans) {
            // a locking read takes the authority's row locks as the transaction's writes will: fenced alike
            if (plan.unit() == null || !plan.dual() && plan.shape().kind() != SqlKind.LOCKING_SELECT) {
                continue;
            }
            for (io.github.dualwrite.config.RoutingKey key : plan.keys()) {
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
            return NO_FENCE;
        }
        if (!autoCommit) {
            tx().hold(tickets);
            return NO_FENCE;
        }
        List<KeyFence.Ticket> held = tickets;
        return () -> held.forEach(KeyFence.Ticket::close);
    }

    /** Where this connection's writes are run. */
    WritePath writes() {
        if (writes == null) {
            writes = new WritePath(this);
        }
        return writes;
    }

    // ------------------------------------------------------------------ routing support

    /** The routes for the next statement: the transaction's pinned ones, or the document in force. */
    RoutingTable table() {
        if (autoCommit) {
            return engine.table();
        }
        return tx().pins.table();
    }

    private TxState tx() {
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
            Plan plan = Planner.plan(shape, values, context, table(), pins(), !autoCommit && tx().secondaryBehind,
                    engine.dirtyKeys());
            if (plan.unit() != null && plan.keys().isEmpty() && shape.isWrite() && plan.dual()) {
                engine.stats().unkeyed.increment();
                engine.warnOnce("unkeyed", shape.sql(), () -> "dualwrite: no routing key for unit " + plan.unit().name()
                        + " in `" + Planner.abbreviate(shape.sql()) + "`: " + plan.reason() + " (logged once per statement)");
            }
            if (shape.problem() != null) {
                engine.warnOnce("unparsed", shape.sql(), () -> "dualwrite: " + plan.reason() + ": `"
                        + Planner.abbreviate(shape.sql()) + "` (logged once per statement)");
            }
            return plan;
        } catch (SQLException e) {
            engine.stats().rejected.increment();
            throw e;
        }
    }

    /** Where the whole application lives: the new side once every unit is NEW_ONLY, else the old one. */
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

    /** The physical connection of a side, opened and configured on first use. */
    Connection physical(Side side) throws SQLException {
        checkOpen();
        Connection c = physical[side.ordinal()];
        if (c == null) {
            c = engine.dataSource(side).getConnection();
            try {
                if (!autoCommit) {
                    c.setAutoCommit(false);
                }
                if (readOnly) {
                    c.setReadOnly(true);
                }
                if (isolation != null) {
                    c.setTransactionIsolation(isolation);
                }
                if (holdability != null) {
                    c.setHoldability(holdability);
                }
                if (networkTimeout != null) {
                    c.setNetworkTimeout(networkExecutor, networkTimeout);
                }
                if (side == Side.OLD && catalog != null) {
                    c.setCatalog(catalog);
                }
                if (side == Side.OLD && schema != null) {
                    c.setSchema(schema);
                }
            } catch (SQLException | RuntimeException e) {
                closeQuietly(c);
                throw e;
            }
            physical[side.ordinal()] = c;
        }
        return c;
    }

    /**
     * Applies a setting to every open side: the side that holds the transaction's authority (or the home
     * side) first, failures thrown; then the other one, whose failure drops it (its secondary work is
     * journaled) unless it holds authoritative writes of its own.
     */
    private void forEachSide(PhysicalAction action) throws SQLException {
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
            action.apply(b);
        } catch (SQLException | RuntimeException e) {
            if (!autoCommit && tx != null && tx.holdsAuthoritativeWrites(other)) {
                throw e;
            }
            log.warn("dualwrite: the {} side refused a connection setting ({}); it is dropped from this connection",
                    other, e.toString());
            if (!autoCommit && tx != null) {
                abandonSecondary(other, engine.clock().instant(), e);
            }
            physical[other.ordinal()] = null;
            closeQuietly(b);
        }
    }

    /** A setting applied to a physical connection. */
    @FunctionalInterface
    private interface PhysicalAction {
        void apply(Connection c) throws SQLException;
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
     * Runs the secondary half of a write behind the circuit breaker. Whatever happens is absorbed
     * (guarantee G1) and whatever did not verifiably apply is journaled (G2): before this returns in
     * auto-commit mode, when the authority commits in a transaction. Inside a transaction a failure abandons
     * the secondary transaction: it is rolled back and everything it held is journaled.
     */
    void runSecondary(Side side, SecondaryWork work) {
        EngineStats stats = engine.stats();
        java.time.Instant now = engine.clock().instant();
        if (!autoCommit && tx().secondaryAbandoned) {
            journal(work.everything(now, JournalEntry.Reason.ERROR, null,
                    "not run: the secondary transaction was abandoned after an earlier failure"));
            return;
        }
        CircuitBreaker breaker = engine.breaker(side);
        CircuitBreaker.State state = breaker.getState();
        if (!breaker.tryAcquirePermission()) {
            stats.breakerRejections.increment();
            // the state read before asking: the one that refused (it may have moved on since)
            CircuitBreaker.State refused = state == CircuitBreaker.State.CLOSED ? breaker.getState() : state;
            String why = "not run: the circuit breaker in front of " + side + " is " + refused
                    + (refused == CircuitBreaker.State.HALF_OPEN ? " and its trial calls are taken" : "");
            engine.secondaryFailed(work.unit(), side, why);
            journal(work.everything(now, JournalEntry.Reason.BREAKER_OPEN, null, why));
            return;
        }
        long start = System.nanoTime();
        try {
            work.run();
        } catch (SQLException | RuntimeException | LinkageError | java.util.ServiceConfigurationError e) {
            breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
            stats.secondaryFailures.increment();
            engine.secondaryFailed(work.unit(), side, e.toString());
            log.debug("dualwrite: secondary {} failed, journaled", side, e);
            List<JournalEntry> entries = work.everything(now, JournalEntry.Reason.ERROR, e, null);
            if (autoCommit) {
                engine.journal(entries);
            } else {
                TxState t = tx();
                t.abandonment.addAll(entries);
                abandonSecondary(side, now, e);
            }
            return;
        }
        breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        stats.secondaryWrites.increment();
        List<JournalEntry> unverified = work.unverified(now);
        if (!unverified.isEmpty()) {
            stats.rowCountMismatches.add(unverified.size());
            engine.secondaryFailed(work.unit(), side, unverified.get(0).errorMessage());
            journal(unverified);
        }
        if (!autoCommit) {
            tx().secondaryWrites.add(work);
        }
    }

    /** Rolls the secondary transaction back and keeps entries for everything it held. */
    private void abandonSecondary(Side side, java.time.Instant now, Throwable cause) {
        TxState t = tx();
        t.secondaryAbandoned = true;
        t.secondaryBehind = true;
        rollbackQuietly(physical[side.ordinal()]);
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
            rollbackQuietly(b);
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
                b.commit();
            } catch (SQLException | RuntimeException e) {
                engine.stats().secondaryFailures.increment();
                for (SecondaryWork w : t.secondaryWrites) {
                    entries.addAll(w.everything(engine.clock().instant(), JournalEntry.Reason.COMMIT_FAILED, e, null));
                }
                rollbackQuietly(b);
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
            rollbackQuietly(b);
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
                abandonSecondary(first.other(), engine.clock().instant(), e);
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
                abandonSecondary(first.other(), engine.clock().instant(), e);
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

    // ------------------------------------------------------------------ statements

    @Override
    public Statement createStatement() throws SQLException {
        return createStatement(-1, -1, -1);
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
        return createStatement(resultSetType, resultSetConcurrency, -1);
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability)
            throws SQLException {
        checkOpen();
        return track(new DualWriteStatement(this, new StatementOptions(resultSetType, resultSetConcurrency,
                resultSetHoldability, Statement.NO_GENERATED_KEYS, null, null)));
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        return prepare(sql, StatementOptions.DEFAULT);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        return prepare(sql, new StatementOptions(resultSetType, resultSetConcurrency, -1, Statement.NO_GENERATED_KEYS,
                null, null));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency,
                                              int resultSetHoldability) throws SQLException {
        return prepare(sql, new StatementOptions(resultSetType, resultSetConcurrency, resultSetHoldability,
                Statement.NO_GENERATED_KEYS, null, null));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        return prepare(sql, new StatementOptions(-1, -1, -1, autoGeneratedKeys, null, null));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        return prepare(sql, new StatementOptions(-1, -1, -1, Statement.RETURN_GENERATED_KEYS, columnIndexes.clone(), null));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        return prepare(sql, new StatementOptions(-1, -1, -1, Statement.RETURN_GENERATED_KEYS, null, columnNames.clone()));
    }

    private PreparedStatement prepare(String sql, StatementOptions options) throws SQLException {
        checkOpen();
        return track(new DualWritePreparedStatement(this, sql, options));
    }

    @Override
    public CallableStatement prepareCall(String sql) throws SQLException {
        return call(sql, -1, -1, -1);
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        return call(sql, resultSetType, resultSetConcurrency, -1);
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency,
                                         int resultSetHoldability) throws SQLException {
        return call(sql, resultSetType, resultSetConcurrency, resultSetHoldability);
    }

    /** Stored procedures: see {@link CallableStatements}. */
    private CallableStatement call(String sql, int type, int concurrency, int holdability) throws SQLException {
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

    // ------------------------------------------------------------------ settings forwarded to both sides

    @Override
    public void setReadOnly(boolean value) throws SQLException {
        checkOpen();
        forEachSide(c -> c.setReadOnly(value));
        readOnly = value;
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        checkOpen();
        return readOnly;
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        checkOpen();
        forEachSide(c -> c.setTransactionIsolation(level));
        isolation = level;
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        checkOpen();
        return isolation != null ? isolation : physical(homeSide()).getTransactionIsolation();
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        checkOpen();
        forEachSide(c -> c.setNetworkTimeout(executor, milliseconds));
        networkExecutor = executor;
        networkTimeout = milliseconds;
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        checkOpen();
        return networkTimeout != null ? networkTimeout : physical(homeSide()).getNetworkTimeout();
    }

    @Override
    public void setHoldability(int value) throws SQLException {
        checkOpen();
        forEachSide(c -> c.setHoldability(value));
        holdability = value;
    }

    @Override
    public int getHoldability() throws SQLException {
        checkOpen();
        return holdability != null ? holdability : physical(homeSide()).getHoldability();
    }

    /** Applies to the old side only: the new side's physical databases are named by ShardingSphere. */
    @Override
    public void setCatalog(String value) throws SQLException {
        checkOpen();
        catalog = value;
        if (physical[0] != null) {
            physical[0].setCatalog(value);
        }
    }

    @Override
    public String getCatalog() throws SQLException {
        checkOpen();
        return physical(homeSide()).getCatalog();
    }

    /** Applies to the old side only, like {@link #setCatalog}. */
    @Override
    public void setSchema(String value) throws SQLException {
        checkOpen();
        schema = value;
        if (physical[0] != null) {
            physical[0].setSchema(value);
        }
    }

    @Override
    public String getSchema() throws SQLException {
        checkOpen();
        return physical(homeSide()).getSchema();
    }

    // ------------------------------------------------------------------ the rest: the old side speaks for both

    /** The home side's metadata; its {@code getConnection()} is this connection, never a physical one. */
    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        DatabaseMetaData md = physical(homeSide()).getMetaData();
        return (DatabaseMetaData) java.lang.reflect.Proxy.newProxyInstance(DatabaseMetaData.class.getClassLoader(),
                new Class<?>[] {DatabaseMetaData.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        return this;
                    }
                    if (method.getName().equals("unwrap") && ((Class<?>) args[0]).isInstance(proxy)) {
                        return proxy;
                    }
                    try {
                        return method.invoke(md, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Override
    public String nativeSQL(String sql) throws SQLException {
        return physical(homeSide()).nativeSQL(sql);
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        return physical[0] == null ? null : physical[0].getWarnings();
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
        for (Connection c : physical) {
            if (c != null) {
                c.clearWarnings();
            }
        }
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        return physical(homeSide()).getTypeMap();
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        physical(homeSide()).setTypeMap(map);
    }

    @Override
    public Clob createClob() throws SQLException {
        return physical(homeSide()).createClob();
    }

    @Override
    public Blob createBlob() throws SQLException {
        return physical(homeSide()).createBlob();
    }

    @Override
    public NClob createNClob() throws SQLException {
        return physical(homeSide()).createNClob();
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        return physical(homeSide()).createSQLXML();
    }

    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        return physical(homeSide()).createArrayOf(typeName, elements);
    }

    @Override
    public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
        return physical(homeSide()).createStruct(typeName, attributes);
    }

    /** Whether the home side answers; a sick secondary does not make the connection invalid. */
    @Override
    public boolean isValid(int timeout) throws SQLException {
        return !closed && physical(homeSide()).isValid(timeout);
    }

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        for (Connection c : physical) {
            if (c != null) {
                c.setClientInfo(name, value);
            }
        }
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        for (Connection c : physical) {
            if (c != null) {
                c.setClientInfo(properties);
            }
        }
    }

    @Override
    public String getClientInfo(String name) throws SQLException {
        return physical(homeSide()).getClientInfo(name);
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        return physical(homeSide()).getClientInfo();
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
            for (Connection c : physical) {
                rollbackQuietly(c);
            }
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

    private static void rollbackQuietly(Connection c) {
        if (c != null) {
            try {
                c.rollback();
            } catch (SQLException | RuntimeException e) {
                log.debug("dualwrite: rollback of a physical connection failed", e);
            }
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            log.debug("dualwrite: closing a physical connection failed", e);
        }
    }
}
