package io.github.dualwrite;

import io.github.dualwrite.config.Side;
import io.github.dualwrite.journal.JournalEntry;
import io.github.dualwrite.SqlShape;
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
class DualWriteStatement implements Statement, TrackedStatement, DualWriteResultSet.Owner {

    private static final Logger log = LoggerFactory.getLogger(DualWriteStatement.class);

    final DualWriteConnection conn;
    final StatementOptions options;
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
    private int maxRows;
    private long largeMaxRows;
    private int fetchSize;
    private int queryTimeout;
    private int maxFieldSize;
    private Integer fetchDirection;
    private Boolean escapeProcessing;
    private Boolean poolable;
    private String cursorName;
    private boolean closeOnCompletion;
    /** Query timeouts set on physical statements (absent: the driver's default, 0). */
    private java.util.Map<Statement, Integer> timeouts;
    boolean closed;

    DualWriteStatement(DualWriteConnection conn, StatementOptions options) {
        this.conn = conn;
        this.options = options;
    }

    // ------------------------------------------------------------------ orchestration shared with prepared statements

    /** Runs a read on its plan's side. */
    final ResultSet runQuery(Invocation inv) throws SQLException {
        Plan plan = conn.plan(inv.shape(), inv.values(), inv.context());
        resetResults();
        countRead(plan.primary());
        rowChangesRefused = rowChangesRefused(plan);
        try (io.github.dualwrite.sync.RowSync.LiveWrites.Fence fence = conn.fence(List.of(plan))) {
            return wrap(inv.query(plan.primary()));
        }
    }

    /** Why an updatable result set of this read may not change rows: the change would reach one side only. */
    private static String rowChangesRefused(Plan plan) {
        if (plan.unit() == null || plan.stage() != null && !plan.stage().writesBoth() && plan.primary() == plan.authority()) {
            return null;
        }
        return "updatable result sets change one side only, and unit " + plan.unit().name() + " is in stage "
                + plan.stage() + ": change the rows with UPDATE, INSERT or DELETE statements";
    }

    /** Runs {@code execute()}: a write as {@link #runUpdate}, anything else on its plan's side. */
    final boolean runExecute(Invocation inv, boolean callerKeys) throws SQLException {
        SqlShape shape = inv.shape();
        if (shape.isWrite()) {
            runUpdate(inv, callerKeys);
            return false;
        }
        Plan plan = conn.plan(shape, inv.values(), inv.context());
        resetResults();
        countRead(plan.primary());
        rowChangesRefused = rowChangesRefused(plan);
        if (shape.kind() == io.github.dualwrite.SqlKind.OTHER) {
            conn.wroteAuthoritative(plan.primary()); // SET, USE, ...: the side holds session changes of its own
        }
        try (io.github.dualwrite.sync.RowSync.LiveWrites.Fence fence = conn.fence(List.of(plan))) {
            return inv.execute(plan.primary(), callerKeys ? Invocation.Keys.CALLER : Invocation.Keys.NONE);
        }
    }

    /** Runs a write as its plan says (see {@link WritePath}); the caller sees the authority's count and keys. */
    final long runUpdate(Invocation inv, boolean callerKeys) throws SQLException {
        Object[] values = inv.values(); // a copy: taken once per execution
        Plan plan = conn.plan(inv.shape(), values, inv.context());
        resetResults();
        conn.engine().stats().writes.increment();
        WritePath.Outcome out = conn.writes().update(inv, plan, values,
                callerKeys ? Invocation.Keys.CALLER : Invocation.Keys.NONE);
        ownCount = out.count();
        capturedKeys = out.keys();
        return out.count();
    }

    /**
     * A prepared statement for a rewritten statement on {@code side}, asking for {@code keys}, reused while
     * the SQL stays the same.
     */
    final PreparedStatement rewrittenStatement(Side side, String sql, Invocation.Keys keys, boolean secondary)
            throws SQLException {
        int i = side.ordinal() * 3 + keys.ordinal();
        if (rewritten == null) {
            rewritten = new PreparedStatement[6];
            rewrittenSql = new String[6];
        }
        if (rewritten[i] == null || !sql.equals(rewrittenSql[i])) {
            if (rewritten[i] != null) {
                if (timeouts != null) {
                    timeouts.remove(rewritten[i]);
                }
                rewritten[i].close();
            }
            rewritten[i] = configure(options.prepare(conn.physical(side), sql, keys));
            rewrittenSql[i] = sql;
        }
        applyTimeout(rewritten[i], secondary);
        return rewritten[i];
    }

    final void setCapturedKeys(CachedRowSet keys) {
        this.capturedKeys = keys;
    }

    final void setOwnCount(long count) {
        this.ownCount = count;
    }

    /** Applies the application's settings to a new physical statement. */
    final <S extends Statement> S configure(S s) throws SQLException {
        if (maxRows != 0) {
            s.setMaxRows(maxRows);
        }
        if (largeMaxRows != 0) {
            s.setMaxRows((int) Math.min(largeMaxRows, Integer.MAX_VALUE)); // ShardingSphere has no large form
        }
        if (fetchSize != 0) {
            s.setFetchSize(fetchSize);
        }
        if (maxFieldSize != 0) {
            s.setMaxFieldSize(maxFieldSize);
        }
        if (fetchDirection != null) {
            s.setFetchDirection(fetchDirection);
        }
        if (escapeProcessing != null) {
            s.setEscapeProcessing(escapeProcessing);
        }
        if (poolable != null) {
            s.setPoolable(poolable);
        }
        if (cursorName != null) {
            s.setCursorName(cursorName);
        }
        return s;
    }

    /**
     * Secondaries get the configured secondary timeout; everything else the application's. Only changes
     * are sent: some drivers (H2) turn every setQueryTimeout into a session command.
     */
    final void applyTimeout(Statement s, boolean secondary) throws SQLException {
        int want = secondary ? conn.engine().secondaryTimeoutSeconds() : queryTimeout;
        Integer applied = timeouts == null ? null : timeouts.get(s);
        if ((applied == null ? 0 : applied) != want) {
            s.setQueryTimeout(want);
            if (timeouts == null) {
                timeouts = new java.util.IdentityHashMap<>(4);
            }
            timeouts.put(s, want);
        }
    }

    final void countRead(Side side) {
        (side == Side.OLD ? conn.engine().stats().readsOld : conn.engine().stats().readsNew).increment();
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

    /** The physical statement of this object on {@code side}; plain statements only. */
    Statement physicalFor(Side side) throws SQLException {
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
            if (keys == Keys.CALLER && columnIndexes != null) {
                return s.executeUpdate(sql, columnIndexes);
            }
            if (keys == Keys.CALLER && columnNames != null) {
                return s.executeUpdate(sql, columnNames);
            }
            boolean want = keys == Keys.IDS || keys == Keys.CALLER && keysFlag == RETURN_GENERATED_KEYS;
            return s.executeUpdate(sql, want ? RETURN_GENERATED_KEYS : NO_GENERATED_KEYS);
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
            if (keys == Keys.CALLER && columnIndexes != null) {
                return s.execute(sql, columnIndexes);
            }
            if (keys == Keys.CALLER && columnNames != null) {
                return s.execute(sql, columnNames);
            }
            boolean want = keys == Keys.IDS || keys == Keys.CALLER && keysFlag == RETURN_GENERATED_KEYS;
            return s.execute(sql, want ? RETURN_GENERATED_KEYS : NO_GENERATED_KEYS);
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
        List<Plan> plans = new ArrayList<>(sqls.size());
        for (int i = 0; i < sqls.size(); i++) {
            plans.add(conn.plan(conn.engine().classify(sqls.get(i)), null, contexts.get(i)));
        }
        Side primary = BatchPlans.commonPrimary(plans);
        List<List<Object>> ids = injectIds(sqls, plans);
        try (io.github.dualwrite.sync.RowSync.LiveWrites.Fence fence = conn.fence(plans)) {
            return conn.writes().holding(primary, plans.stream().anyMatch(p -> p.secondary() != null), plans.get(0), null,
                    () -> plainBatch(sqls, plans, ids, primary));
        }
    }

    /**
     * Ids from an id source for the rows that need them, written into their SQL as literals (a plain batch
     * has no parameters to bind them to); null per row that needs none.
     */
    private List<List<Object>> injectIds(List<String> sqls, List<Plan> plans) throws SQLException {
        List<List<Object>> ids = new ArrayList<>(plans.size());
        for (int i = 0; i < plans.size(); i++) {
            Plan p = plans.get(i);
            if (p.ids() != Plan.IdMode.INJECT) {
                ids.add(null);
                continue;
            }
            io.github.dualwrite.config.TableConfig table = p.unit().table(p.shape().tables().get(0)).orElseThrow();
            List<Object> made = conn.engine().newIds(table, p.shape().insert().rows().size());
            sqls.set(i, conn.engine().rewrite(p.shape(), table.primaryKey().get(0), false).inline(made));
            ids.add(made);
        }
        return ids;
    }

    private long[] plainBatch(List<String> sqls, List<Plan> plans, List<List<Object>> ids, Side primary)
            throws SQLException {
        Statement s = physicalFor(primary);
        applyTimeout(s, false);
        ran(primary, s, false);
        conn.engine().stats().writes.increment();
        BatchRun run = BatchRun.of(s, () -> {
            for (String sql : sqls) {
                s.addBatch(sql);
            }
        });
        long[] counts = run.counts();
        List<Integer> dual = new ArrayList<>();
        List<JournalEntry> journal = new ArrayList<>();
        for (int i = 0; i < plans.size() && i < counts.length; i++) {
            Plan p = plans.get(i);
            if (counts[i] == EXECUTE_FAILED) {
                continue;
            }
            conn.wroteAuthoritative(p.authority());
            if (!p.dual()) {
                continue;
            }
            String why = p.journalInstead() != null ? p.reason()
                    : p.ids() == Plan.IdMode.FROM_OLD ? "a plain-statement batch cannot carry generated ids"
                    : p.bindVolatile() ? "a plain-statement batch cannot bind the values of non-deterministic calls" : null;
            if (why != null) {
                journal.addAll(Journaling.entries(conn.engine().clock().instant(), p, null, ids.get(i), p.behind(),
                        p.journalInstead() != null ? p.journalInstead() : JournalEntry.Reason.NOT_REPEATABLE, null, why));
            } else {
                dual.add(i);
            }
        }
        conn.journal(journal);
        if (!dual.isEmpty()) {
            Side second = plans.get(dual.get(0)).secondary();
            List<Plan> dualPlans = new ArrayList<>();
            List<Object[]> noValues = new ArrayList<>();
            List<List<Object>> dualIds = new ArrayList<>();
            long[] expected = new long[dual.size()];
            for (int k = 0; k < dual.size(); k++) {
                dualPlans.add(plans.get(dual.get(k)));
                noValues.add(null);
                dualIds.add(ids.get(dual.get(k)));
                expected[k] = counts[dual.get(k)];
            }
            conn.runSecondary(second, new SecondaryWork.Batch(dualPlans, noValues, dualIds, expected, () -> {
                Statement sec = physicalFor(second);
                applyTimeout(sec, true);
                return BatchRun.of(sec, () -> {
                    for (int i : dual) {
                        sec.addBatch(sqls.get(i));
                    }
                }).countsOrThrow();
            }));
        }
        ownCount = -1;
        run.rethrow();
        return counts;
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

    // ------------------------------------------------------------------ settings

    @Override
    public int getMaxFieldSize() throws SQLException {
        checkOpen();
        return maxFieldSize;
    }

    @Override
    public void setMaxFieldSize(int max) throws SQLException {
        checkOpen();
        maxFieldSize = max;
        forEachPhysical(s -> s.setMaxFieldSize(max));
    }

    @Override
    public int getMaxRows() throws SQLException {
        checkOpen();
        return maxRows;
    }

    @Override
    public void setMaxRows(int max) throws SQLException {
        checkOpen();
        maxRows = max;
        forEachPhysical(s -> s.setMaxRows(max));
    }

    @Override
    public long getLargeMaxRows() throws SQLException {
        checkOpen();
        return largeMaxRows != 0 ? largeMaxRows : maxRows;
    }

    @Override
    public void setLargeMaxRows(long max) throws SQLException {
        checkOpen();
        largeMaxRows = max;
        forEachPhysical(s -> s.setMaxRows((int) Math.min(max, Integer.MAX_VALUE)));
    }

    @Override
    public void setEscapeProcessing(boolean enable) throws SQLException {
        checkOpen();
        escapeProcessing = enable;
        forEachPhysical(s -> s.setEscapeProcessing(enable));
    }

    @Override
    public int getQueryTimeout() throws SQLException {
        checkOpen();
        return queryTimeout;
    }

    @Override
    public void setQueryTimeout(int seconds) throws SQLException {
        checkOpen();
        if (seconds < 0) {
            throw new SQLException("dualwrite: query timeout must be >= 0 but was " + seconds, "22023");
        }
        queryTimeout = seconds;
    }

    @Override
    public void cancel() throws SQLException {
        checkOpen();
        forEachPhysical(Statement::cancel);
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        return last == null ? null : last.getWarnings();
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
        forEachPhysical(Statement::clearWarnings);
    }

    @Override
    public void setCursorName(String name) throws SQLException {
        checkOpen();
        cursorName = name;
        forEachPhysical(s -> s.setCursorName(name));
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        checkOpen();
        fetchDirection = direction;
        forEachPhysical(s -> s.setFetchDirection(direction));
    }

    @Override
    public int getFetchDirection() throws SQLException {
        checkOpen();
        return fetchDirection != null ? fetchDirection : ResultSet.FETCH_FORWARD;
    }

    @Override
    public void setFetchSize(int rows) throws SQLException {
        checkOpen();
        fetchSize = rows;
        forEachPhysical(s -> s.setFetchSize(rows));
    }

    @Override
    public int getFetchSize() throws SQLException {
        checkOpen();
        return fetchSize;
    }

    @Override
    public int getResultSetConcurrency() throws SQLException {
        checkOpen();
        return options.concurrency() < 0 ? ResultSet.CONCUR_READ_ONLY : options.concurrency();
    }

    @Override
    public int getResultSetType() throws SQLException {
        checkOpen();
        return options.type() < 0 ? ResultSet.TYPE_FORWARD_ONLY : options.type();
    }

    @Override
    public int getResultSetHoldability() throws SQLException {
        checkOpen();
        return options.holdability() < 0 ? conn.getHoldability() : options.holdability();
    }

    @Override
    public void setPoolable(boolean value) throws SQLException {
        checkOpen();
        poolable = value;
        forEachPhysical(s -> s.setPoolable(value));
    }

    @Override
    public boolean isPoolable() throws SQLException {
        checkOpen();
        return poolable != null ? poolable : false;
    }

    @Override
    public void closeOnCompletion() throws SQLException {
        checkOpen();
        closeOnCompletion = true;
    }

    @Override
    public boolean isCloseOnCompletion() throws SQLException {
        checkOpen();
        return closeOnCompletion;
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
    void forEachPhysical(StatementAction action) throws SQLException {
        applyAll(physical, action);
        applyAll(rewritten, action);
    }

    static void applyAll(Statement[] statements, StatementAction action) throws SQLException {
        if (statements != null) {
            for (Statement s : statements) {
                if (s != null) {
                    action.apply(s);
                }
            }
        }
    }

    /** A setting applied to a physical statement. */
    @FunctionalInterface
    interface StatementAction {
        void apply(Statement s) throws SQLException;
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
