package io.github.dualwrite.jdbc;

import io.github.dualwrite.config.Side;
import io.github.dualwrite.journal.JournalEntry;
import io.github.dualwrite.routing.RoutingTable;
import io.github.dualwrite.sql.SqlShape;
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
    /** Secondary writes of the current transaction, to journal if its secondary commit fails. */
    private final List<SecondaryWork> txSecondary = new ArrayList<>();
    private boolean autoCommit = true;
    private boolean readOnly;
    private Integer isolation;
    private Integer holdability;
    private Executor networkExecutor;
    private Integer networkTimeout;
    private String catalog;
    private String schema;
    private TxPins pins;
    private boolean secondaryBroken;
    private boolean closed;

    DualWriteConnection(Engine engine) {
        this.engine = engine;
    }

    Engine engine() {
        return engine;
    }

    // ------------------------------------------------------------------ routing support

    /** The routes for the next statement: the transaction's pinned ones, or the document in force. */
    RoutingTable table() {
        if (autoCommit) {
            return engine.table();
        }
        if (pins == null) {
            pins = new TxPins(engine.table());
        }
        return pins.table();
    }

    /** The transaction's decisions so far, null in auto-commit mode. */
    TxPins pins() {
        if (autoCommit) {
            return null;
        }
        table();
        return pins;
    }

    /** Decides where a statement goes; counts refusals. */
    Plan plan(SqlShape shape, Object[] values) throws SQLException {
        checkOpen();
        try {
            Plan plan = Planner.plan(shape, values, table(), pins(), secondaryBroken);
            if (plan.unit() != null && plan.keys().isEmpty() && shape.isWrite() && plan.dual()) {
                engine.stats().unkeyed.increment();
                engine.warnOnce("unkeyed:" + shape.sql(), "dualwrite: no routing key for unit " + plan.unit().name()
                        + " in `" + Planner.abbreviate(shape.sql()) + "`: " + plan.reason()
                        + " (logged once per statement)");
            }
            if (shape.problem() != null) {
                engine.warnOnce("unparsed:" + shape.sql(), "dualwrite: " + plan.reason() + ": `"
                        + Planner.abbreviate(shape.sql()) + "` (logged once per statement)");
            }
            return plan;
        } catch (SQLException e) {
            engine.stats().rejected.increment();
            throw e;
        }
    }

    /**
     * Whether a statement can skip planning: it touches no migrated table, or only units whose users are
     * all on one side. Returns that side, or null when the statement must be planned at each execution.
     */
    Side fixedSide(SqlShape shape, RoutingTable table, boolean write) {
        if (shape.problem() != null || shape.kind() == io.github.dualwrite.sql.SqlKind.TRANSACTION_CONTROL) {
            return null;
        }
        Side side = Side.OLD;
        boolean unit = false;
        for (String t : shape.tables()) {
            io.github.dualwrite.config.UnitConfig u = table.unitOf(t);
            if (u == null) {
                if (unit && side != Side.OLD) {
                    return null;
                }
                continue;
            }
            if (!table.isSingleSided(u)) {
                return null;
            }
            Side s = u.stage().authority();
            if (unit && s != side) {
                return null;
            }
            side = s;
            unit = true;
        }
        if (write && pins != null && pins.authority() != null && pins.authority() != side) {
            return null;
        }
        return side;
    }

    /** Records that a write ran on {@code side} alone inside a transaction. */
    void wroteAlone(Side side) {
        if (!autoCommit) {
            pins().pinAuthority(side);
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

    // ------------------------------------------------------------------ the secondary side

    /**
     * Runs the secondary half of a write behind the circuit breaker. Whatever happens is absorbed
     * (guarantee G1) and whatever did not verifiably apply is journaled before returning (G2). Inside a
     * transaction a failure abandons the secondary transaction: it is rolled back and everything it held is
     * journaled.
     */
    void runSecondary(Side side, SecondaryWork work) {
        EngineStats stats = engine.stats();
        java.time.Instant now = engine.clock().instant();
        if (!autoCommit && secondaryBroken) {
            engine.journal(work.everything(now, JournalEntry.Reason.ERROR, null,
                    "not run: the secondary transaction was abandoned after an earlier failure"));
            return;
        }
        CircuitBreaker breaker = engine.breaker(side);
        if (!breaker.tryAcquirePermission()) {
            stats.breakerRejections.increment();
            engine.journal(work.everything(now, JournalEntry.Reason.BREAKER_OPEN, null,
                    "not run: the circuit breaker in front of " + side + " is " + breaker.getState()));
            return;
        }
        long start = System.nanoTime();
        try {
            work.run();
        } catch (SQLException | RuntimeException e) {
            breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
            stats.secondaryFailures.increment();
            log.debug("dualwrite: secondary {} failed, journaled", side, e);
            List<JournalEntry> entries = new ArrayList<>(work.everything(now, JournalEntry.Reason.ERROR, e, null));
            if (!autoCommit) {
                entries.addAll(abandonSecondary(side, now, e));
            }
            engine.journal(entries);
            return;
        }
        breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        stats.secondaryWrites.increment();
        List<JournalEntry> unverified = work.unverified(now);
        if (!unverified.isEmpty()) {
            stats.rowCountMismatches.add(unverified.size());
            engine.journal(unverified);
        }
        if (!autoCommit) {
            txSecondary.add(work);
        }
    }

    /** Rolls the secondary transaction back and returns entries for what it held. */
    private List<JournalEntry> abandonSecondary(Side side, java.time.Instant now, Throwable cause) {
        secondaryBroken = true;
        Connection c = physical[side.ordinal()];
        if (c != null) {
            try {
                c.rollback();
            } catch (SQLException | RuntimeException e) {
                log.debug("dualwrite: rolling back the abandoned secondary failed", e);
            }
        }
        List<JournalEntry> entries = new ArrayList<>();
        for (SecondaryWork w : txSecondary) {
            entries.addAll(w.everything(now, JournalEntry.Reason.COMMIT_FAILED, cause,
                    "rolled back: a later secondary statement of the same transaction failed"));
        }
        txSecondary.clear();
        return entries;
    }

    /** Whether the current transaction gave up on its secondary side. */
    boolean secondaryBroken() {
        return secondaryBroken;
    }

    // ------------------------------------------------------------------ transactions

    @Override
    public void setAutoCommit(boolean value) throws SQLException {
        checkOpen();
        if (value == autoCommit) {
            return;
        }
        if (value) {
            commit();
        }
        autoCommit = value;
        for (Connection c : physical) {
            if (c != null) {
                c.setAutoCommit(value);
            }
        }
        endTransaction();
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        checkOpen();
        return autoCommit;
    }

    @Override
    public void commit() throws SQLException {
        checkOpen();
        if (autoCommit) {
            throw new SQLException("dualwrite: commit() called in auto-commit mode", "25000");
        }
        Side authority = pins != null && pins.authority() != null ? pins.authority() : Side.OLD;
        Connection first = physical[authority.ordinal()];
        Connection second = physical[authority.other().ordinal()];
        try {
            if (first != null) {
                first.commit();
            }
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(second);
            endTransaction();
            throw e;
        }
        if (second != null) {
            try {
                second.commit();
            } catch (SQLException | RuntimeException e) {
                engine.stats().secondaryFailures.increment();
                List<JournalEntry> entries = new ArrayList<>();
                for (SecondaryWork w : txSecondary) {
                    entries.addAll(w.everything(engine.clock().instant(), JournalEntry.Reason.COMMIT_FAILED, e, null));
                }
                engine.journal(entries);
                rollbackQuietly(second);
            }
        }
        endTransaction();
    }

    @Override
    public void rollback() throws SQLException {
        checkOpen();
        if (autoCommit) {
            throw new SQLException("dualwrite: rollback() called in auto-commit mode", "25000");
        }
        Side authority = pins != null && pins.authority() != null ? pins.authority() : Side.OLD;
        Connection first = physical[authority.ordinal()];
        Connection second = physical[authority.other().ordinal()];
        try {
            if (first != null) {
                first.rollback();
            }
        } finally {
            rollbackQuietly(second);
            endTransaction();
        }
    }

    private void endTransaction() {
        pins = null;
        txSecondary.clear();
        secondaryBroken = false;
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        return setSavepoint(null);
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        checkOpen();
        if (autoCommit) {
            throw new SQLException("dualwrite: savepoints need a transaction (auto-commit is on)", "25000");
        }
        Savepoint[] sides = new Savepoint[2];
        for (Side side : Side.values()) {
            Connection c = physical[side.ordinal()];
            if (c != null && !(secondaryBroken && pins != null && pins.authority() == side.other())) {
                sides[side.ordinal()] = name == null ? c.setSavepoint() : c.setSavepoint(name);
            }
        }
        return new DualSavepoint(name, sides, txSecondary.size());
    }

    /**
     * Rolls back to a savepoint on every open side. A side opened after the savepoint was set holds only
     * later work, so it is rolled back entirely; secondary writes after the savepoint are forgotten.
     */
    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        checkOpen();
        DualSavepoint sp = DualSavepoint.of(savepoint);
        for (Side side : Side.values()) {
            Connection c = physical[side.ordinal()];
            if (c == null) {
                continue;
            }
            Savepoint own = sp.side(side);
            if (own != null) {
                c.rollback(own);
            } else {
                c.rollback();
            }
        }
        while (txSecondary.size() > sp.secondaryWrites()) {
            txSecondary.remove(txSecondary.size() - 1);
        }
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        checkOpen();
        DualSavepoint sp = DualSavepoint.of(savepoint);
        for (Side side : Side.values()) {
            Connection c = physical[side.ordinal()];
            Savepoint own = sp.side(side);
            if (c != null && own != null) {
                c.releaseSavepoint(own);
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

    /**
     * Stored procedures run on the authoritative side only: their effects cannot be repeated or checked.
     */
    private CallableStatement call(String sql, int type, int concurrency, int holdability) throws SQLException {
        checkOpen();
        Side side = Side.OLD;
        for (io.github.dualwrite.config.UnitConfig u : table().snapshot().config().units().values()) {
            if (u.stage().authority() == Side.NEW && u.gray().stage().authority() == Side.NEW) {
                side = Side.NEW;
            }
        }
        engine.warnOnce("call:" + sql, "dualwrite: stored procedure call `" + Planner.abbreviate(sql) + "` runs on "
                + side + " only; its writes are not repeated on the other side (logged once per call)");
        Connection c = physical(side);
        CallableStatement delegate;
        if (type < 0) {
            delegate = c.prepareCall(sql);
        } else if (holdability < 0) {
            delegate = c.prepareCall(sql, type, concurrency);
        } else {
            delegate = c.prepareCall(sql, type, concurrency, holdability);
        }
        return track(new DualWriteCallableStatement(this, delegate));
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
        readOnly = value;
        for (Connection c : physical) {
            if (c != null) {
                c.setReadOnly(value);
            }
        }
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        checkOpen();
        return readOnly;
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        checkOpen();
        isolation = level;
        for (Connection c : physical) {
            if (c != null) {
                c.setTransactionIsolation(level);
            }
        }
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        checkOpen();
        return isolation != null ? isolation : physical(Side.OLD).getTransactionIsolation();
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        checkOpen();
        networkExecutor = executor;
        networkTimeout = milliseconds;
        for (Connection c : physical) {
            if (c != null) {
                c.setNetworkTimeout(executor, milliseconds);
            }
        }
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        checkOpen();
        return networkTimeout != null ? networkTimeout : physical(Side.OLD).getNetworkTimeout();
    }

    @Override
    public void setHoldability(int value) throws SQLException {
        checkOpen();
        holdability = value;
        for (Connection c : physical) {
            if (c != null) {
                c.setHoldability(value);
            }
        }
    }

    @Override
    public int getHoldability() throws SQLException {
        checkOpen();
        return holdability != null ? holdability : physical(Side.OLD).getHoldability();
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
        return physical(Side.OLD).getCatalog();
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
        return physical(Side.OLD).getSchema();
    }

    // ------------------------------------------------------------------ the rest: the old side speaks for both

    /** The old database's metadata (its {@code getConnection()} is the physical old connection). */
    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        return physical(Side.OLD).getMetaData();
    }

    @Override
    public String nativeSQL(String sql) throws SQLException {
        return physical(Side.OLD).nativeSQL(sql);
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
        return physical(Side.OLD).getTypeMap();
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        physical(Side.OLD).setTypeMap(map);
    }

    @Override
    public Clob createClob() throws SQLException {
        return physical(Side.OLD).createClob();
    }

    @Override
    public Blob createBlob() throws SQLException {
        return physical(Side.OLD).createBlob();
    }

    @Override
    public NClob createNClob() throws SQLException {
        return physical(Side.OLD).createNClob();
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        return physical(Side.OLD).createSQLXML();
    }

    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        return physical(Side.OLD).createArrayOf(typeName, elements);
    }

    @Override
    public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
        return physical(Side.OLD).createStruct(typeName, attributes);
    }

    @Override
    public boolean isValid(int timeout) throws SQLException {
        if (closed) {
            return false;
        }
        for (Connection c : physical) {
            if (c != null && !c.isValid(timeout)) {
                return false;
            }
        }
        return physical[0] != null || physical(Side.OLD).isValid(timeout);
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
        return physical(Side.OLD).getClientInfo(name);
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        return physical(Side.OLD).getClientInfo();
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void abort(Executor executor) throws SQLException {
        closed = true;
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
        endTransaction();
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
        Connection old = physical(Side.OLD);
        return iface.isInstance(old) ? iface.cast(old) : old.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return true;
        }
        Connection old = physical(Side.OLD);
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
