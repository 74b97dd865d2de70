package io.github.dualwrite;

import io.github.dualwrite.config.Side;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.sql.rowset.CachedRowSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A statement that routes each execution. Reads run on the plan's read side; writes run on the authority
 * and then, behind the circuit breaker, on the secondary, whose failures and row-count differences are
 * journaled, never thrown. The application sees the authority's results: counts, generated keys, errors.
 */
class DualWriteStatement extends ConfiguredStatement implements TrackedStatement, DualWriteResultSet.Owner {

    private static final Logger log = LoggerFactory.getLogger(DualWriteStatement.class);

    final DualWriteConnection conn;
    // allocated on first use: most statements run once, on one side
    private Statement[] physical;
    private PreparedStatement[] rewritten;
    private String[] rewrittenSql;
    private List<String> batch;
    private List<CallContext> batchContexts;
    /** The physical statement the application's results come from. */
    Statement last;
    private DualWriteResultSet lastResultSet;
    private CachedRowSet capturedKeys;
    private long ownCount = -1;
    boolean closed;

    DualWriteStatement(DualWriteConnection conn, StatementOptions options) {
        super(options);
        this.conn = conn;
    }

    // ------------------------------------------------------------------ executions: decided and run by Execution

    /** Runs a read on its plan's side (see {@link Execution}). */
    final ResultSet runQuery(Invocation inv) throws SQLException {
        return conn.execution().query(this, inv);
    }

    /** Runs {@code execute()}: a write as {@link #runUpdate}, anything else on its plan's side. */
    final boolean runExecute(Invocation inv, boolean callerKeys) throws SQLException {
        return conn.execution().execute(this, inv, callerKeys ? Invocation.Keys.CALLER : Invocation.Keys.NONE);
    }

    /** Runs a write as its plan says; the caller sees the authority's count and keys. */
    final long runUpdate(Invocation inv, boolean callerKeys) throws SQLException {
        return conn.execution().update(this, inv, callerKeys ? Invocation.Keys.CALLER : Invocation.Keys.NONE);
    }

    /** A planned read is about to run: forgets the previous results and counts it. */
    final void startRead(Plan plan) throws SQLException {
        resetResults();
        countRead(plan.primary());
        rowChangesRefused = rowChangesRefused(plan);
    }

    /** A planned write is about to run. */
    final void startWrite() throws SQLException {
        resetResults();
        conn.engine().counters().writes.increment();
    }

    /** A write ran: its count and keys are what the application reads next. */
    final void finished(Execution.Outcome out) {
        ownCount = out.count();
        capturedKeys = out.keys();
    }

    /** Why an updatable result set of this read may not change rows: the change would reach one side only. */
    private static String rowChangesRefused(Plan plan) {
        if (plan.unit() == null || plan.stage() != null && !plan.stage().writesBoth() && plan.primary() == plan.authority()) {
            return null;
        }
        return "updatable result sets change one side only, and unit " + plan.unit().name() + " is in stage "
                + plan.stage() + ": change the rows with UPDATE, INSERT or DELETE statements";
    }

    /**
     * A prepared statement for a rewritten statement on {@code side}, asking for {@code keys}, reused while
     * the SQL stays the same.
     */
    final PreparedStatement rewrittenStatement(Side side, String sql, Invocation.Keys keys, boolean secondary)
            throws SQLException {
        syncSide(side);
        int i = side.ordinal() * 3 + keys.ordinal();
        if (rewritten == null) {
            rewritten = new PreparedStatement[6];
            rewrittenSql = new String[6];
        }
        if (rewritten[i] == null || !sql.equals(rewrittenSql[i])) {
            if (rewritten[i] != null) {
                forgetTimeout(rewritten[i]);
                rewritten[i].close();
            }
            rewritten[i] = configure(options.prepare(conn.physical(side), sql, keys));
            rewrittenSql[i] = sql;
        }
        applyTimeout(rewritten[i], secondary);
        return rewritten[i];
    }

    final void countRead(Side side) {
        (side == Side.OLD ? conn.engine().counters().readsOld : conn.engine().counters().readsNew).increment();
    }

    final ResultSet wrap(ResultSet rs) {
        if (rs == null) {
            return null;
        }
        lastResultSet = new DualWriteResultSet(this, rs, rowChangesRefused);
        return lastResultSet;
    }

    /** Set by each routed read: whether its updatable result set may change rows. */
    private String rowChangesRefused;

    /** Marks a read that went straight to its one side (every user of its tables is there). */
    final void readOneSide() {
        rowChangesRefused = null;
    }

    final void resetResults() throws SQLException {
        if (lastResultSet != null) {
            DualWriteResultSet previous = lastResultSet;
            lastResultSet = null; // closing it now must not trigger closeOnCompletion: the statement runs again
            previous.closeDetached();
        }
        capturedKeys = null;
        ownCount = -1;
        last = null;
    }

    /** The connection generation of each side this statement's physical statements belong to. */
    private int seenOld;
    private int seenNew;

    /**
     * Drops the statements of a side whose physical connection was detached after a hung or broken call:
     * they belong to a connection that is aborted or closing (closing them is its job).
     */
    final void syncSide(Side side) {
        int now = conn.generation(side);
        if (now != (side == Side.OLD ? seenOld : seenNew)) {
            if (side == Side.OLD) {
                seenOld = now;
            } else {
                seenNew = now;
            }
            forgetSide(side);
        }
    }

    /** Forgets (without closing) every physical statement made on {@code side} (subclasses add theirs). */
    void forgetSide(Side side) {
        if (physical != null) {
            physical[side.ordinal()] = null;
        }
        if (rewritten != null) {
            for (int k = 0; k < 3; k++) {
                rewritten[side.ordinal() * 3 + k] = null;
                rewrittenSql[side.ordinal() * 3 + k] = null;
            }
        }
        if (lastOn != null) {
            lastOn[side.ordinal()] = null;
        }
    }

    /** The physical statement of this object on {@code side}; plain statements only. */
    Statement physicalFor(Side side) throws SQLException {
        syncSide(side);
        int i = side.ordinal();
        if (physical == null) {
            physical = new Statement[2];
        }
        if (physical[i] == null) {
            physical[i] = configure(options.create(conn.physical(side)));
        }
        return physical[i];
    }

    // ------------------------------------------------------------------ plain SQL

    /** A plain statement's SQL run through the same orchestration. */
    private final class Plain implements Invocation {
        private final String sql;
        private final SqlShape shape;
        private final int keysFlag;
        private final int[] columnIndexes;
        private final String[] columnNames;
        private final CallContext context;

        Plain(String sql, int keysFlag, int[] columnIndexes, String[] columnNames) {
            this.sql = sql;
            this.shape = conn.engine().classify(sql);
            this.context = CallContext.capture(sql);
            this.keysFlag = keysFlag;
            this.columnIndexes = columnIndexes;
            this.columnNames = columnNames;
        }

        @Override
        public SqlShape shape() {
            return shape;
        }

        @Override
        public CallContext context() {
            return context;
        }

        @Override
        public Object[] values() {
            return null;
        }

        @Override
        public String notRepeatable() {
            return null;
        }

        @Override
        public long update(Side side, Keys keys, boolean secondary) throws SQLException {
            Statement s = physicalFor(side);
            applyTimeout(s, secondary);
            ran(side, s, secondary);
            return (Long) run(s, keys, false);
        }

        @Override
        public ResultSet query(Side side) throws SQLException {
            Statement s = physicalFor(side);
            applyTimeout(s, false);
            last = s;
            return s.executeQuery(sql);
        }

        @Override
        public boolean execute(Side side, Keys keys) throws SQLException {
            Statement s = physicalFor(side);
            applyTimeout(s, false);
            last = s;
            return (Boolean) run(s, keys, true);
        }

        /** Runs the SQL with the generated-keys form {@code keys} asks for: an update count, or execute's flag. */
        private Object run(Statement s, Keys keys, boolean execute) throws SQLException {
            if (keys == Keys.CALLER && columnIndexes != null) {
                return execute ? (Object) s.execute(sql, columnIndexes) : (Object) (long) s.executeUpdate(sql, columnIndexes);
            }
            if (keys == Keys.CALLER && columnNames != null) {
                return execute ? (Object) s.execute(sql, columnNames) : (Object) (long) s.executeUpdate(sql, columnNames);
            }
            int want = keys == Keys.IDS || keys == Keys.CALLER && keysFlag == RETURN_GENERATED_KEYS
                    ? RETURN_GENERATED_KEYS : NO_GENERATED_KEYS;
            return execute ? (Object) s.execute(sql, want) : (Object) (long) s.executeUpdate(sql, want);
        }

        @Override
        public SqlShape shapeOn(Side side) {
            return shape;
        }

        @Override
        public ResultSet generatedKeys(Side side) throws SQLException {
            Statement s = lastOn == null ? null : lastOn[side.ordinal()];
            return (s != null ? s : physicalFor(side)).getGeneratedKeys();
        }

        @Override
        public long update(Side side, Rewrite rewrite, List<Object> ids, Object[] calls, Keys keys, boolean secondary)
                throws SQLException {
            PreparedStatement ps = rewrittenStatement(side, rewrite.sql(), keys, secondary);
            ps.clearParameters();
            rewrite.bind(ps, null, ids, calls);
            ran(side, ps, secondary);
            return ps.executeUpdate();
        }

        @Override
        public SecondaryWork.Replay replay(Side side, Rewrite rewrite, List<Object> ids, Object[] calls) {
            return rewrite == null ? Replays.plain(List.of(sql), false)
                    : Replays.prepared(sql, java.util.Collections.singletonList(null), rewrite,
                    ids == null ? null : java.util.Collections.singletonList(ids),
                    calls == null ? null : java.util.Collections.singletonList(calls), false);
        }
    }

    /** The physical statement that last ran on each side (its generated keys are the ones to read). */
    private Statement[] lastOn;

    /** Records that {@code s} runs on {@code side}; the caller's results come from the authority's statement. */
    final void ran(Side side, Statement s, boolean secondary) {
        if (lastOn == null) {
            lastOn = new Statement[2];
        }
        lastOn[side.ordinal()] = s;
        if (!secondary) {
            last = s;
        }
    }

    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        checkOpen();
        return runQuery(new Plain(sql, NO_GENERATED_KEYS, null, null));
    }

    @Override
    public int executeUpdate(String sql) throws SQLException {
        return (int) executeLargeUpdate(sql);
    }

    @Override
    public long executeLargeUpdate(String sql) throws SQLException {
        checkOpen();
        return runUpdate(new Plain(sql, NO_GENERATED_KEYS, null, null), false);
    }

    @Override
    public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        return (int) executeLargeUpdate(sql, autoGeneratedKeys);
    }

    @Override
    public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        checkOpen();
        return runUpdate(new Plain(sql, autoGeneratedKeys, null, null), autoGeneratedKeys == RETURN_GENERATED_KEYS);
    }

    @Override
    public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
        return (int) executeLargeUpdate(sql, columnIndexes);
    }

    @Override
    public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
        checkOpen();
        return runUpdate(new Plain(sql, RETURN_GENERATED_KEYS, columnIndexes, null), true);
    }

    @Override
    public int executeUpdate(String sql, String[] columnNames) throws SQLException {
        return (int) executeLargeUpdate(sql, columnNames);
    }

    @Override
    public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
        checkOpen();
        return runUpdate(new Plain(sql, RETURN_GENERATED_KEYS, null, columnNames), true);
    }

    @Override
    public boolean execute(String sql) throws SQLException {
        checkOpen();
        return runExecute(new Plain(sql, NO_GENERATED_KEYS, null, null), false);
    }

    @Override
    public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
        checkOpen();
        return runExecute(new Plain(sql, autoGeneratedKeys, null, null), autoGeneratedKeys == RETURN_GENERATED_KEYS);
    }

    @Override
    public boolean execute(String sql, int[] columnIndexes) throws SQLException {
        checkOpen();
        return runExecute(new Plain(sql, RETURN_GENERATED_KEYS, columnIndexes, null), true);
    }

    @Override
    public boolean execute(String sql, String[] columnNames) throws SQLException {
        checkOpen();
        return runExecute(new Plain(sql, RETURN_GENERATED_KEYS, null, columnNames), true);
    }

    // ------------------------------------------------------------------ plain batches

    @Override
    public void addBatch(String sql) throws SQLException {
        checkOpen();
        if (batch == null) {
            batch = new ArrayList<>();
            batchContexts = new ArrayList<>();
        }
        batch.add(sql);
        batchContexts.add(CallContext.capture(sql));
    }

    @Override
    public void clearBatch() throws SQLException {
        checkOpen();
        if (batch != null) {
            batch.clear();
            batchContexts.clear();
        }
    }

    @Override
    public int[] executeBatch() throws SQLException {
        return toInts(executeLargeBatch());
    }

    /**
     * Runs every SQL of the batch on the authority in one batch, then the ones that need it on the
     * secondary in a second batch, comparing counts statement by statement.
     */
    @Override
    public long[] executeLargeBatch() throws SQLException {
        checkOpen();
        List<String> sqls = batch == null ? List.of() : new ArrayList<>(batch);
        List<CallContext> contexts = batchContexts;
        batch = null;
        batchContexts = null;
        resetResults();
        if (sqls.isEmpty()) {
            return new long[0];
        }
        long[] counts = conn.execution().plainBatch(this, sqls, contexts);
        ownCount = -1;
        return counts;
    }

    /** The plain statement of {@code side}, configured for a run as the authority or the secondary. */
    final Statement plainOn(Side side, boolean secondary) throws SQLException {
        Statement s = physicalFor(side);
        applyTimeout(s, secondary);
        ran(side, s, secondary);
        return s;
    }

    /** Physical statements run with the int forms: ShardingSphere does not implement the large ones. */
    static long[] toLongs(int[] counts) {
        long[] out = new long[counts.length];
        for (int i = 0; i < counts.length; i++) {
            out[i] = counts[i];
        }
        return out;
    }

    static int[] toInts(long[] counts) {
        int[] out = new int[counts.length];
        for (int i = 0; i < counts.length; i++) {
            out[i] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, counts[i]));
        }
        return out;
    }

    // ------------------------------------------------------------------ results

    @Override
    public ResultSet getResultSet() throws SQLException {
        checkOpen();
        if (last == null || ownCount >= 0) {
            return null;
        }
        if (lastResultSet != null) {
            return lastResultSet;
        }
        return wrap(last.getResultSet());
    }

    @Override
    public int getUpdateCount() throws SQLException {
        return (int) getLargeUpdateCount();
    }

    @Override
    public long getLargeUpdateCount() throws SQLException {
        checkOpen();
        if (ownCount >= 0 || last == null) {
            return ownCount;
        }
        return last.getUpdateCount(); // ShardingSphere does not implement the large form
    }

    @Override
    public boolean getMoreResults() throws SQLException {
        return getMoreResults(CLOSE_CURRENT_RESULT);
    }

    @Override
    public boolean getMoreResults(int current) throws SQLException {
        checkOpen();
        if (ownCount >= 0 || last == null) {
            ownCount = -1;
            last = null;
            return false;
        }
        lastResultSet = null;
        return last.getMoreResults(current);
    }

    /** The generated keys of the last write: a private copy when dual write had to read them itself. */
    @Override
    public ResultSet getGeneratedKeys() throws SQLException {
        checkOpen();
        if (capturedKeys != null) {
            return capturedKeys.createCopy();
        }
        if (last == null) {
            return GeneratedKeys.none();
        }
        return new DualWriteResultSet(this, last.getGeneratedKeys());
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        return last == null ? null : last.getWarnings();
    }

    @Override
    public Statement statement() {
        return this;
    }

    /** Called when a result set of this statement closes. */
    @Override
    public final void resultSetClosed(DualWriteResultSet rs) throws SQLException {
        if (rs == lastResultSet) {
            lastResultSet = null;
        }
        if (closeOnCompletion) {
            close();
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        checkOpen();
        return conn;
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        conn.forget(this);
        SQLException first = closePhysical(null);
        lastResultSet = null;
        last = null;
        if (first != null) {
            throw first;
        }
    }

    @Override
    public void closeQuietly() {
        try {
            close();
        } catch (SQLException | RuntimeException e) {
            log.debug("dualwrite: closing a statement failed", e);
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    final int secondaryTimeoutSeconds() {
        return conn.engine().secondaryTimeoutSeconds();
    }

    @Override
    final int defaultHoldability() throws SQLException {
        return conn.getHoldability();
    }

    @Override
    final void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLException("dualwrite: this statement is closed", "HY010");
        }
        conn.checkOpen();
    }

    /** Closes every physical statement; returns the first failure (subclasses add theirs). */
    SQLException closePhysical(SQLException first) {
        first = closeAll(physical, first);
        return closeAll(rewritten, first);
    }

    static SQLException closeAll(Statement[] statements, SQLException first) {
        if (statements != null) {
            for (Statement s : statements) {
                first = close(s, first);
            }
        }
        return first;
    }

    /** Closes {@code s} if there is one; returns the first failure so far. */
    static SQLException close(Statement s, SQLException first) {
        if (s != null) {
            try {
                s.close();
            } catch (SQLException e) {
                return first == null ? e : first;
            }
        }
        return first;
    }

    /** Applies an action to every physical statement already created (subclasses add theirs). */
    @Override
    void forEachPhysical(StatementAction action) throws SQLException {
        applyAll(physical, action);
        applyAll(rewritten, action);
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        Statement s = last != null ? last : physicalFor(Side.OLD);
        return iface.isInstance(s) ? iface.cast(s) : s.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return true;
        }
        Statement s = last != null ? last : physicalFor(Side.OLD);
        return iface.isInstance(s) || s.isWrapperFor(iface);
    }

    @Override
    public String toString() {
        return "DualWriteStatement" + (closed ? " (closed)" : "") + (physical == null ? "[]" : Arrays.toString(physical));
    }
}
