package io.github.dualwrite;

import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.TableConfig;
import io.github.dualwrite.Invocation.Keys;
import io.github.dualwrite.routing.RoutingTable;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A prepared statement that routes each execution by its bound parameters.
 *
 * <p>When every table it touches is migrated by units whose users are all on one side (or not migrated at
 * all), it is prepared there at once and executions go straight through ("pass-through"); parameters are
 * still recorded, so that if the stage switch moves before an execution it is routed like any other.
 * Otherwise parameters are recorded and bound at execution on the side(s) the plan names.
 */
final class DualWritePreparedStatement extends RecordingPreparedStatement {

    private final String sql;
    private final SqlShape shape;
    private List<Params> batch;
    /** [side * 2 + (with forced generated keys ? 1 : 0)]; allocated when the statement is first routed. */
    private PreparedStatement[] prepared;
    private PreparedStatement[] lastOnSide;
    private Invocation routed;
    /** The thread's key and control for the current execution. */
    private CallContext context = CallContext.NONE;
    /** The SQL the new side runs for the current execution instead of ours, or null. */
    private NewSideStatement newSide;
    private List<CallContext> batchContexts;
    /** Per batch row, once a row brought its own new-side SQL; else null. */
    private List<NewSideStatement> batchNewSides;
    private boolean batchSpecial;
    /** The new side's SQL, prepared per kind of generated keys. */
    private PreparedStatement[] newSidePrepared;
    private String newSidePreparedSql;
    private PreparedStatement direct;
    private Side directSide;
    private RoutingTable decided;
    /** The INSERT's position of the id of a table whose ids come from an id source; -1 for others. */
    private int idColumn;

    DualWritePreparedStatement(DualWriteConnection conn, String sql, StatementOptions options) throws SQLException {
        this(conn, sql, conn.engine().classify(sql), options);
    }

    private DualWritePreparedStatement(DualWriteConnection conn, String sql, SqlShape shape, StatementOptions options)
            throws SQLException {
        super(conn, options, shape.parameterCount());
        this.sql = sql;
        this.shape = shape;
        RoutingTable table = conn.table();
        Side side = conn.fixedSide(shape, table);
        this.idColumn = idColumnOf(shape, table);
        if (side != null && specialHint() == null) {
            direct = configure(options.prepare(conn.physical(side), sql, Keys.CALLER));
            directSide = side;
            decided = table;
        }
    }

    private static int idColumnOf(SqlShape shape, RoutingTable table) {
        if (shape.insert() == null || shape.tables().isEmpty()) {
            return -1;
        }
        io.github.dualwrite.config.UnitConfig unit = table.unitOf(shape.tables().get(0));
        io.github.dualwrite.config.TableConfig t = unit == null ? null : unit.table(shape.tables().get(0)).orElse(null);
        return t == null || !t.idSource().injects() ? -1 : shape.insert().columnIndex(t.primaryKey().get(0));
    }

    /**
     * Whether this execution can go straight to the side chosen at prepare time. Re-checked against the
     * document in force (or the transaction's), so a stage switch is never missed.
     */
    private boolean direct(boolean write) throws SQLException {
        if (direct == null) {
            return false;
        }
        RoutingTable table = conn.table();
        if (table != decided) {
            if (conn.fixedSide(shape, table) != directSide) {
                leavePassThrough();
                return false;
            }
            decided = table;
            idColumn = idColumnOf(shape, table);
        }
        if (write && conn.writesElsewhere(directSide)) {
            // the planner refuses a second authority in one transaction: let it see this write
            leavePassThrough();
            return false;
        }
        if (write && idsMissing()) {
            return false; // an id bound to NULL: this execution takes its id from the table's id source
        }
        conn.engine().counters().passThrough.increment();
        if (write) {
            conn.wroteAuthoritative(directSide);
            conn.engine().counters().writes.increment();
        } else {
            countRead(directSide);
        }
        resetResults();
        readOneSide();
        applyTimeout(direct, false);
        last = direct;
        return true;
    }

    /** The pass-through statement with the recorded parameters bound (setters only record them). */
    private PreparedStatement bindDirect() throws SQLException {
        if (params.takeCleared()) {
            direct.clearParameters(); // JDBC keeps parameters until cleared: only clear what the application did
        }
        params.bindAll(direct);
        return direct;
    }

    /** Whether this INSERT binds NULL to the id of a table whose ids come from an id source. */
    private boolean idsMissing() {
        if (shape.insert() == null || idColumn < 0) {
            return false;
        }
        Object[] values = params.values();
        for (java.util.List<io.github.dualwrite.ValueRef> row : shape.insert().rows()) {
            if (idColumn < row.size() && row.get(idColumn).resolve(values) == null) {
                return true;
            }
        }
        return false;
    }

    /** From now on every execution is routed; the direct statement is kept as its side's statement. */
    private void leavePassThrough() throws SQLException {
        direct.clearBatch();
        slots()[slot(directSide, Keys.CALLER)] = direct;
        direct = null;
    }

    private PreparedStatement[] slots() {
        if (prepared == null) {
            prepared = new PreparedStatement[6];
            lastOnSide = new PreparedStatement[2];
        }
        return prepared;
    }

    /** One physical statement per side and kind of generated keys; CALLER without keys asked is NONE. */
    private int slot(Side side, Keys keys) {
        Keys effective = keys == Keys.CALLER && !options.asksForKeys() ? Keys.NONE : keys;
        return side.ordinal() * 3 + effective.ordinal();
    }

    @Override
    void forgetSide(Side side) {
        super.forgetSide(side);
        if (prepared != null) {
            for (int k = 0; k < 3; k++) {
                prepared[side.ordinal() * 3 + k] = null;
            }
            lastOnSide[side.ordinal()] = null;
        }
        if (side == Side.NEW) {
            newSidePrepared = null;
            newSidePreparedSql = null;
        }
    }

    /** The physical prepared statement of a side, prepared on first use. */
    private PreparedStatement prepared(Side side, Keys keys) throws SQLException {
        syncSide(side);
        if (direct != null) {
            leavePassThrough();
        }
        int slot = slot(side, keys);
        PreparedStatement ps = slots()[slot];
        if (ps == null) {
            ps = configure(options.prepare(conn.physical(side), sql, keys));
            prepared[slot] = ps;
        }
        lastOnSide[side.ordinal()] = ps;
        return ps;
    }

    /** The physical statement for {@code side}: the new side's own SQL when the execution brought one. */
    private PreparedStatement prepared(Side side, Keys keys, NewSideStatement other) throws SQLException {
        if (side != Side.NEW || other == null) {
            return prepared(side, keys);
        }
        syncSide(side);
        if (direct != null) {
            leavePassThrough();
        }
        slots();
        if (!other.sql.equals(newSidePreparedSql)) {
            SQLException failed = closeAll(newSidePrepared, null);
            if (failed != null) {
                throw failed;
            }
            newSidePrepared = new PreparedStatement[3];
            newSidePreparedSql = other.sql;
        }
        int slot = (keys == Keys.CALLER && !options.asksForKeys() ? Keys.NONE : keys).ordinal();
        PreparedStatement ps = newSidePrepared[slot];
        if (ps == null) {
            ps = configure(options.prepare(conn.physical(side), other.sql, keys));
            newSidePrepared[slot] = ps;
        }
        lastOnSide[side.ordinal()] = ps;
        return ps;
    }

    /** The parameters for {@code side}: the new side's own SQL's when it has one. */
    private static Params paramsFor(Side side, Params own, NewSideStatement other) {
        return side == Side.NEW && other != null ? other.params : own;
    }

    private PreparedStatement bound(Side side, Keys keys, boolean secondary) throws SQLException {
        PreparedStatement ps = prepared(side, keys, newSide);
        ps.clearParameters();
        paramsFor(side, params, newSide).bindAll(ps);
        applyTimeout(ps, secondary);
        ranOn(side, ps, secondary);
        return ps;
    }

    /** Executions that need routing. */
    private final class Routed implements Invocation {
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
            return params.values();
        }

        @Override
        public String notRepeatable() {
            return params.notRepeatable();
        }

        @Override
        public long update(Side side, Keys keys, boolean secondary) throws SQLException {
            return bound(side, keys, secondary).executeUpdate();
        }

        @Override
        public ResultSet query(Side side) throws SQLException {
            return bound(side, Keys.NONE, false).executeQuery();
        }

        @Override
        public boolean execute(Side side, Keys keys) throws SQLException {
            return bound(side, keys, false).execute();
        }

        @Override
        public SqlShape shapeOn(Side side) {
            return side == Side.NEW && newSide != null ? newSide.shape : shape;
        }

        @Override
        public ResultSet generatedKeys(Side side) throws SQLException {
            return lastRun(side).getGeneratedKeys();
        }

        @Override
        public long update(Side side, Rewrite rewrite, List<Object> ids, Object[] calls, Keys keys, boolean secondary)
                throws SQLException {
            PreparedStatement ps = rewrittenStatement(side, rewrite.sql(), keys, secondary);
            ps.clearParameters();
            rewrite.bind(ps, paramsFor(side, params, newSide), ids, calls);
            ranOn(side, ps, secondary);
            return ps.executeUpdate();
        }

        @Override
        public SecondaryWork.Replay replay(Side side, Rewrite rewrite, List<Object> ids, Object[] calls) {
            return Replays.prepared(shapeOn(side).sql(), List.of(paramsFor(side, params, newSide)), rewrite,
                    ids == null ? null : java.util.Collections.singletonList(ids),
                    calls == null ? null : java.util.Collections.singletonList(calls), false);
        }
    }

    /** The physical statement that last ran on {@code side}: its generated keys are the ones to read. */
    private PreparedStatement lastRun(Side side) throws SQLException {
        PreparedStatement ps = lastOnSide == null ? null : lastOnSide[side.ordinal()];
        if (ps == null) {
            throw new SQLException("dualwrite: nothing ran on " + side + " yet", "HY010");
        }
        return ps;
    }

    private void ranOn(Side side, PreparedStatement ps, boolean secondary) {
        slots();
        lastOnSide[side.ordinal()] = ps;
        ran(side, ps, secondary);
    }

    @Override
    public ResultSet executeQuery() throws SQLException {
        checkOpen();
        StatementHint hint = specialHint();
        if (hint == null && direct(false)) {
            return wrap(bindDirect().executeQuery());
        }
        return runQuery(routed(hint));
    }

    @Override
    public int executeUpdate() throws SQLException {
        return (int) executeLargeUpdate();
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        checkOpen();
        StatementHint hint = specialHint();
        if (hint == null && direct(true)) {
            return bindDirect().executeUpdate();
        }
        return runUpdate(routed(hint), options.asksForKeys());
    }

    @Override
    public boolean execute() throws SQLException {
        checkOpen();
        StatementHint hint = specialHint();
        if (hint == null && direct(shape.isWrite())) {
            return bindDirect().execute();
        }
        return runExecute(routed(hint), options.asksForKeys());
    }

    // ------------------------------------------------------------------ batches

    @Override
    public void addBatch() throws SQLException {
        checkOpen();
        StatementHint hint = specialHint();
        NewSideStatement other = NewSideStatement.of(conn.engine(), hint);
        if (batch == null) {
            batch = new ArrayList<>();
            batchContexts = new ArrayList<>();
        }
        if (other != null && batchNewSides == null) {
            batchNewSides = new ArrayList<>(java.util.Collections.nCopies(batch.size(), null));
        }
        batch.add(params.snapshot());
        batchContexts.add(CallContext.capture(sql));
        if (batchNewSides != null) {
            batchNewSides.add(other);
        }
        batchSpecial |= hint != null;
        if (direct != null) {
            bindDirect().addBatch();
        }
    }

    @Override
    public void clearBatch() throws SQLException {
        checkOpen();
        forgetBatch();
        if (direct != null) {
            direct.clearBatch();
        }
    }

    @Override
    public int[] executeBatch() throws SQLException {
        return toInts(executeLargeBatch());
    }

    /**
     * Runs the rows as one batch where they run first, then, for the rows whose stage needs it, as one
     * batch on the secondary, comparing counts row by row ({@code -2}, SUCCESS_NO_INFO, is trusted for plain
     * inserts only, other rows are journaled as unverified).
     */
    @Override
    public long[] executeLargeBatch() throws SQLException {
        checkOpen();
        List<Params> rows = batch == null ? List.of() : batch;
        List<CallContext> contexts = batchContexts;
        List<NewSideStatement> newSides = batchNewSides;
        boolean special = batchSpecial;
        forgetBatch();
        if (special && direct != null) {
            direct.clearBatch(); // these rows are routed: none may be left to run with a later direct batch
        }
        checkNewSides(newSides);
        if (rows.isEmpty()) {
            return new long[0];
        }
        if (!special && direct(true)) {
            return toLongs(direct.executeBatch());
        }
        resetResults();
        List<Plan> plans = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            plans.add(conn.plan(shape, rows.get(i).values(), contexts.get(i)));
        }
        conn.engine().counters().writes.increment();
        Execution.Outcome out = conn.execution().batch(new Rows(rows, newSides),
                plans, options.asksForKeys() ? Keys.CALLER : Keys.NONE);
        finished(out);
        return out.counts();
    }

    /** Forgets the rows added so far. */
    private void forgetBatch() {
        batch = null;
        batchContexts = null;
        batchNewSides = null;
        batchSpecial = false;
    }

    /** A batch runs as one statement per side, so its rows must all run the same new-side SQL (or none). */
    private void checkNewSides(List<NewSideStatement> newSides) throws SQLException {
        if (newSides == null) {
            return;
        }
        String first = newSides.get(0) == null ? null : newSides.get(0).sql;
        for (NewSideStatement n : newSides) {
            if (n == null || !n.sql.equals(first)) {
                throw new SQLException("dualwrite: the rows of this batch of `" + Planner.abbreviate(sql) + "` run"
                        + " different SQL on the new side (" + (n == null ? "none" : "`" + Planner.abbreviate(n.sql) + "`")
                        + " after `" + (first == null ? "none" : Planner.abbreviate(first)) + "`); nothing was run:"
                        + " execute the batch per new-side statement", "0A000");
            }
        }
    }

    /** The new side's SQL of batch row {@code i}, or null. */
    private static NewSideStatement newSideOf(List<NewSideStatement> newSides, int i) {
        return newSides == null ? null : newSides.get(i);
    }

    /** The rows of one batch execution, bound on either side. */
    private final class Rows implements BatchInvocation {
        private final List<Params> rows;
        private final List<NewSideStatement> newSides;
        private final List<Object[]> values;

        Rows(List<Params> rows, List<NewSideStatement> newSides) {
            this.rows = rows;
            this.newSides = newSides;
            this.values = new ArrayList<>(rows.size());
            rows.forEach(r -> values.add(r.values()));
        }

        @Override
        public List<Object[]> values() {
            return values;
        }

        @Override
        public String notRepeatable(int row) {
            return rows.get(row).notRepeatable();
        }

        @Override
        public SqlShape shapeOn(Side side) {
            NewSideStatement other = newSideOf(newSides, 0);
            return side == Side.NEW && other != null ? other.shape : shape;
        }

        @Override
        public BatchRun run(Side side, List<Integer> which, Rewrite rewrite, List<List<Object>> ids, List<Object[]> calls,
                            Keys keys, boolean secondary) throws SQLException {
            PreparedStatement ps = rewrite != null ? rewrittenStatement(side, rewrite.sql(), keys, secondary)
                    : prepared(side, keys, newSideOf(newSides, 0));
            applyTimeout(ps, secondary);
            ranOn(side, ps, secondary);
            return BatchRun.of(ps, () -> {
                for (int i : which) {
                    ps.clearParameters();
                    Params p = paramsFor(side, rows.get(i), newSideOf(newSides, i));
                    if (rewrite != null) {
                        rewrite.bind(ps, p, ids == null ? null : ids.get(i), calls == null ? null : calls.get(i));
                    } else {
                        p.bindAll(ps);
                    }
                    ps.addBatch();
                }
            });
        }

        @Override
        public SecondaryWork.Replay replay(Side side, List<Integer> which, Rewrite rewrite, List<List<Object>> ids,
                                           List<Object[]> calls) {
            List<Params> bound = new ArrayList<>(which.size());
            List<List<Object>> rowIds = ids == null ? null : new ArrayList<>(which.size());
            List<Object[]> rowCalls = calls == null ? null : new ArrayList<>(which.size());
            for (int i : which) {
                bound.add(paramsFor(side, rows.get(i), newSideOf(newSides, i)));
                if (rowIds != null) {
                    rowIds.add(ids.get(i));
                }
                if (rowCalls != null) {
                    rowCalls.add(calls.get(i));
                }
            }
            return Replays.prepared(shapeOn(side).sql(), bound, rewrite, rowIds, rowCalls, true);
        }

        @Override
        public ResultSet generatedKeys(Side side) throws SQLException {
            return lastRun(side).getGeneratedKeys();
        }
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        checkOpen();
        return direct != null ? direct.getMetaData() : prepared(metadataSide(), Keys.NONE).getMetaData();
    }

    @Override
    public ParameterMetaData getParameterMetaData() throws SQLException {
        checkOpen();
        return direct != null ? direct.getParameterMetaData() : prepared(metadataSide(), Keys.NONE).getParameterMetaData();
    }

    /** Where metadata is asked: the side the statement would run on now, without pinning or counting anything. */
    private Side metadataSide() {
        try {
            return Planner.decide(shape, params.values(), CallContext.capture(sql), conn.engine().table(), null, false,
                    conn.engine().dirtyKeys()).apply(null).primary();
        } catch (SQLException refused) {
            return conn.homeSide();
        }
    }

    @Override
    void forEachPhysical(StatementAction action) throws SQLException {
        super.forEachPhysical(action);
        applyAll(prepared, action);
        applyAll(newSidePrepared, action);
        if (direct != null) {
            action.apply(direct);
        }
    }

    @Override
    SQLException closePhysical(SQLException first) {
        first = super.closePhysical(first);
        first = closeAll(prepared, first);
        first = closeAll(newSidePrepared, first);
        return close(direct, first);
    }

    /** Routes this execution: captures the thread's key and control, and the new side's SQL if any. */
    private Invocation routed(StatementHint hint) throws SQLException {
        context = CallContext.capture(sql);
        newSide = NewSideStatement.of(conn.engine(), hint);
        if (routed == null) {
            routed = new Routed();
        }
        return routed;
    }

    /**
     * The hint for this execution when it changes anything (a control, the new side's SQL), else null: one
     * thread-local read, so pass-through stays cheap.
     */
    private StatementHint specialHint() {
        StatementHint hint = DualWrite.hintFor(sql);
        return hint != null && (hint.control() != StatementControl.DEFAULT || hint.newSideSql() != null) ? hint : null;
    }

    @Override
    public String toString() {
        return "DualWritePreparedStatement[" + sql + "]";
    }

}
