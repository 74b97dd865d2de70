package io.github.dualwrite.jdbc;

import io.github.dualwrite.DualWrite;
import io.github.dualwrite.StatementControl;
import io.github.dualwrite.StatementHint;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.TableConfig;
import io.github.dualwrite.jdbc.Invocation.Keys;
import io.github.dualwrite.journal.JournalEntry;
import io.github.dualwrite.routing.RoutingTable;
import io.github.dualwrite.sql.SqlShape;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;

/**
 * A prepared statement that routes each execution by its bound parameters.
 *
 * <p>When every table it touches is migrated by units whose users are all on one side (or not migrated at
 * all), it is prepared there at once and executions go straight through ("pass-through"); parameters are
 * still recorded, so that if the stage switch moves before an execution it is routed like any other.
 * Otherwise parameters are recorded and bound at execution on the side(s) the plan names.
 */
final class DualWritePreparedStatement extends DualWriteStatement implements PreparedStatement {

    private final String sql;
    private final SqlShape shape;
    private final Params params;
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

    DualWritePreparedStatement(DualWriteConnection conn, String sql, StatementOptions options) throws SQLException {
        super(conn, options);
        this.sql = sql;
        this.shape = conn.engine().classify(sql);
        this.params = new Params(Math.max(shape.parameterCount(), 1));
        RoutingTable table = conn.table();
        Side side = conn.fixedSide(shape, table);
        if (side != null && specialHint() == null) {
            direct = configure(options.prepare(conn.physical(side), sql, Keys.CALLER));
            directSide = side;
            decided = table;
        }
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
        }
        if (write && conn.writesElsewhere(directSide)) {
            // the planner refuses a second authority in one transaction: let it see this write
            leavePassThrough();
            return false;
        }
        conn.engine().stats().passThrough.increment();
        if (write) {
            conn.wroteAuthoritative(directSide);
            conn.engine().stats().writes.increment();
        } else {
            countRead(directSide);
        }
        resetResults();
        applyTimeout(direct, false);
        last = direct;
        return true;
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

    /** The physical prepared statement of a side, prepared on first use. */
    private PreparedStatement prepared(Side side, Keys keys) throws SQLException {
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
        if (!secondary) {
            last = ps;
        }
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
        public ResultSet generatedKeys(Side side) throws SQLException {
            PreparedStatement ps = lastOnSide == null ? null : lastOnSide[side.ordinal()];
            if (ps == null) {
                throw new SQLException("dualwrite: nothing ran on " + side + " yet");
            }
            return ps.getGeneratedKeys();
        }

        @Override
        public long updateWithIds(Side side, TableConfig table, List<Object> ids, boolean secondary)
                throws SQLException {
            InsertRewrite rewrite = rewriteFor(side, table, newSide);
            PreparedStatement ps = rewrittenStatement(side, rewrite.sql(), secondary);
            ps.clearParameters();
            rewrite.bind(ps, paramsFor(side, params, newSide), ids);
            if (!secondary) {
                last = ps;
            }
            return ps.executeUpdate();
        }
    }

    @Override
    public ResultSet executeQuery() throws SQLException {
        checkOpen();
        StatementHint hint = specialHint();
        if (hint == null && direct(false)) {
            return wrap(direct.executeQuery());
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
            return direct.executeUpdate();
        }
        return runUpdate(routed(hint), options.asksForKeys());
    }

    @Override
    public boolean execute() throws SQLException {
        checkOpen();
        StatementHint hint = specialHint();
        if (hint == null && direct(shape.isWrite())) {
            return direct.execute();
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
            direct.addBatch();
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
        Side primary = BatchPlans.commonPrimary(plans);
        boolean hold = plans.stream().anyMatch(p -> p.secondary() != null) && conn.holdLocks(primary);
        try {
            long[] counts = routedBatch(rows, newSides, plans, primary);
            if (hold) {
                conn.releaseLocks(true, plans.get(0), null);
            }
            return counts;
        } catch (java.sql.BatchUpdateException partial) {
            // in auto-commit mode the rows the driver applied stay applied, as without dual write
            if (hold) {
                conn.releaseLocks(true, plans.get(0), null);
            }
            throw partial;
        } catch (SQLException | RuntimeException e) {
            if (hold) {
                conn.releaseLocks(false, plans.get(0), null);
            }
            throw e;
        }
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

    private long[] routedBatch(List<Params> rows, List<NewSideStatement> newSides, List<Plan> plans, Side primary)
            throws SQLException {
        boolean ids = plans.stream().anyMatch(p -> p.idSide() != null);
        PreparedStatement ps = prepared(primary, ids ? Keys.IDS : Keys.CALLER, newSideOf(newSides, 0));
        applyTimeout(ps, false);
        last = ps;
        conn.engine().stats().writes.increment();
        BatchRun run = BatchRun.of(ps, () -> {
            for (int i = 0; i < rows.size(); i++) {
                ps.clearParameters();
                paramsFor(primary, rows.get(i), newSideOf(newSides, i)).bindAll(ps);
                ps.addBatch();
            }
        });
        List<List<Object>> rowIds = new ArrayList<>();
        boolean idsBroken = false;
        if (ids) {
            setCapturedKeysFrom(ps);
            idsBroken = !splitIds(rows.size(), rowIds);
        }
        while (rowIds.size() < rows.size()) {
            rowIds.add(null);
        }
        long[] counts = new BatchSecondary(rows, newSides, plans, rowIds, run.counts(), idsBroken).run();
        run.rethrow();
        return counts;
    }

    private List<Object> capturedIds;

    private void setCapturedKeysFrom(PreparedStatement ps) throws SQLException {
        javax.sql.rowset.CachedRowSet keys = capture(ps.getGeneratedKeys());
        setCapturedKeys(keys);
        capturedIds = firstColumn(keys);
    }

    /** Splits the batch's generated ids into one list per row; false when their number does not fit. */
    private boolean splitIds(int rowCount, List<List<Object>> out) {
        int perRow = shape.insert() == null ? 1 : shape.insert().rows().size();
        if (capturedIds.size() != rowCount * perRow) {
            return false;
        }
        for (int r = 0; r < rowCount; r++) {
            out.add(capturedIds.subList(r * perRow, (r + 1) * perRow));
        }
        return true;
    }

    /** The second half of a routed batch, for the rows the first half applied. */
    private final class BatchSecondary {
        private final List<Params> rows;
        private final List<NewSideStatement> newSides;
        private final List<Plan> plans;
        private final List<List<Object>> ids;
        private final long[] counts;
        private final boolean idsBroken;

        BatchSecondary(List<Params> rows, List<NewSideStatement> newSides, List<Plan> plans, List<List<Object>> ids,
                       long[] counts, boolean idsBroken) {
            this.rows = rows;
            this.newSides = newSides;
            this.plans = plans;
            this.ids = ids;
            this.counts = counts;
            this.idsBroken = idsBroken;
        }

        long[] run() throws SQLException {
            List<Integer> dual = new ArrayList<>();
            List<JournalEntry> journal = new ArrayList<>();
            List<JournalEntry> authoritySkipped = new ArrayList<>();
            java.time.Instant now = conn.engine().clock().instant();
            for (int i = 0; i < plans.size() && i < counts.length; i++) {
                Plan p = plans.get(i);
                if (counts[i] == Statement.EXECUTE_FAILED) {
                    continue;
                }
                if (p.primary() == p.authority()) {
                    conn.wroteAuthoritative(p.authority());
                }
                if (!p.dual()) {
                    continue;
                }
                JournalEntry.Reason reason = p.journalInstead();
                String why = p.reason();
                if (reason == null && (idsBroken && p.idSide() != null || rows.get(i).notRepeatable() != null)) {
                    reason = JournalEntry.Reason.NOT_REPEATABLE;
                    why = idsBroken ? "the batch returned a number of generated ids that does not fit its rows"
                            : rows.get(i).notRepeatable();
                }
                if (reason == null) {
                    dual.add(i);
                } else if (p.secondary() != null && p.secondary() == p.authority()) {
                    authoritySkipped.addAll(Journaling.entries(now, p, rows.get(i).values(), ids.get(i), p.primary(),
                            reason, null, why));
                } else {
                    journal.addAll(Journaling.entries(now, p, rows.get(i).values(), ids.get(i), p.behind(),
                            reason, null, why));
                }
            }
            conn.journal(journal);
            if (!authoritySkipped.isEmpty()) {
                conn.journal(authoritySkipped);
                throw new SQLException("dualwrite: " + authoritySkipped.size() + " rows of the batch could not be"
                        + " written on their authoritative side (" + authoritySkipped.get(0).errorMessage()
                        + "); the rows written on " + plans.get(0).primary() + " are journaled for removal", "0A000");
            }
            if (dual.isEmpty()) {
                return counts;
            }
            Plan first = plans.get(dual.get(0));
            Side second = first.secondary();
            List<Plan> dualPlans = new ArrayList<>();
            List<Object[]> values = new ArrayList<>();
            List<List<Object>> dualIds = new ArrayList<>();
            long[] expected = new long[dual.size()];
            for (int k = 0; k < dual.size(); k++) {
                int i = dual.get(k);
                dualPlans.add(plans.get(i));
                values.add(rows.get(i).values());
                dualIds.add(ids.get(i));
                expected[k] = counts[i];
            }
            boolean authorityIsSecond = second == first.authority();
            SecondaryWork.Batch.Call call = () -> secondaryBatch(second, dual, first.idSide() != null, !authorityIsSecond);
            if (authorityIsSecond) {
                return authorityBatch(call, dualPlans, values, dualIds, expected);
            }
            conn.runSecondary(second, new SecondaryWork.Batch(dualPlans, values, dualIds, expected, call));
            return counts;
        }

        private long[] secondaryBatch(Side side, List<Integer> dual, boolean withIds, boolean secondary) throws SQLException {
            NewSideStatement other = newSideOf(newSides, dual.get(0));
            if (withIds) {
                TableConfig table = plans.get(dual.get(0)).unit().table(shape.tables().get(0)).orElseThrow();
                InsertRewrite rw = rewriteFor(side, table, other);
                PreparedStatement ps = rewrittenStatement(side, rw.sql(), secondary);
                return BatchRun.of(ps, () -> {
                    for (int i : dual) {
                        ps.clearParameters();
                        rw.bind(ps, paramsFor(side, rows.get(i), newSideOf(newSides, i)), ids.get(i));
                        ps.addBatch();
                    }
                }).countsOrThrow();
            }
            PreparedStatement ps = prepared(side, Keys.NONE, other);
            applyTimeout(ps, secondary);
            return BatchRun.of(ps, () -> {
                for (int i : dual) {
                    ps.clearParameters();
                    paramsFor(side, rows.get(i), newSideOf(newSides, i)).bindAll(ps);
                    ps.addBatch();
                }
            }).countsOrThrow();
        }

        /**
         * NEW_PRIMARY rows without id: the authority (new) runs second and its failure is the caller's; the
         * caller sees the authority's counts, and rows whose counts differ from the old side's are journaled.
         */
        private long[] authorityBatch(SecondaryWork.Batch.Call call, List<Plan> dualPlans, List<Object[]> values,
                                      List<List<Object>> dualIds, long[] oldCounts) throws SQLException {
            java.time.Instant now = conn.engine().clock().instant();
            long[] result;
            try {
                result = call.run();
            } catch (SQLException | RuntimeException e) {
                SecondaryWork.Batch all = new SecondaryWork.Batch(dualPlans, values, dualIds, oldCounts, () -> oldCounts);
                conn.journal(behindOld(all.everything(now, JournalEntry.Reason.ERROR, e,
                        "the authority refused the rows after the old side generated their ids")));
                throw e;
            }
            dualPlans.forEach(p -> conn.wroteAuthoritative(p.authority()));
            SecondaryWork.Batch check = new SecondaryWork.Batch(dualPlans, values, dualIds, result, () -> oldCounts);
            check.run();
            conn.journal(behindOld(check.unverified(now)));
            setOwnCount(-1);
            return result;
        }

        private List<JournalEntry> behindOld(List<JournalEntry> entries) {
            List<JournalEntry> out = new ArrayList<>(entries.size());
            for (JournalEntry e : entries) {
                out.add(new JournalEntry(e.id(), e.entryId(), e.createdAt(), e.unit(), e.table(), e.routingKey(),
                        e.primaryKey(), e.operation(), Side.OLD, e.sql(), e.params(), e.reason(), e.errorClass(),
                        e.errorMessage(), e.status(), e.attempts(), e.nextAttemptAt(), e.leaseOwner(), e.leaseUntil()));
            }
            return out;
        }
    }

    // ------------------------------------------------------------------ parameters

    @Override
    public void clearParameters() throws SQLException {
        checkOpen();
        params.clear();
        if (direct != null) {
            direct.clearParameters();
        }
    }

    /** Records a value; vendor objects (LOBs, arrays) can be bound on the side that made them only. */
    private void record(int index, Object value, Params.Binder binder) {
        if (!record(index, value)) {
            params.set(index, value, binder);
        }
    }

    /** Records a vendor object or stream as not repeatable; false when the value is an ordinary one. */
    private boolean record(int index, Object value) {
        if (value instanceof Blob || value instanceof Clob || value instanceof Array || value instanceof Ref
                || value instanceof RowId || value instanceof SQLXML || value instanceof InputStream
                || value instanceof Reader) {
            params.setNotRepeatable(index, value, (ps, i) -> ps.setObject(i, value), "a "
                    + value.getClass().getSimpleName() + " is tied to the connection (or stream) that made it");
            return true;
        }
        return false;
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
            return Planner.plan(shape, params.values(), CallContext.capture(sql), conn.engine().table(), null, false).primary();
        } catch (SQLException refused) {
            return conn.homeSide();
        }
    }

    // ------------------------------------------------------------------ the SQL is fixed: these are refused

    private static SQLException fixedSql() {
        return new SQLException("dualwrite: a PreparedStatement runs its own SQL; this method takes another", "HY000");
    }

    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        throw fixedSql();
    }

    @Override
    public long executeLargeUpdate(String sql) throws SQLException {
        throw fixedSql();
    }

    @Override
    public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        throw fixedSql();
    }

    @Override
    public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
        throw fixedSql();
    }

    @Override
    public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
        throw fixedSql();
    }

    @Override
    public boolean execute(String sql) throws SQLException {
        throw fixedSql();
    }

    @Override
    public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
        throw fixedSql();
    }

    @Override
    public boolean execute(String sql, int[] columnIndexes) throws SQLException {
        throw fixedSql();
    }

    @Override
    public boolean execute(String sql, String[] columnNames) throws SQLException {
        throw fixedSql();
    }

    @Override
    public void addBatch(String sql) throws SQLException {
        throw fixedSql();
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

    /** The INSERT rewritten to carry ids on {@code side}: the new side's own SQL (and id column name) if it has one. */
    private InsertRewrite rewriteFor(Side side, TableConfig table, NewSideStatement other) {
        String id = table.primaryKey().get(0);
        return side == Side.NEW && other != null ? conn.engine().rewrite(other.shape, table.newColumn(id))
                : conn.engine().rewrite(shape, id);
    }

    @Override
    public String toString() {
        return "DualWritePreparedStatement[" + sql + "]";
    }

    // ------------------------------------------------------------------ setters: recorded, and passed on in pass-through

    @Override
    public void setNull(int parameterIndex, int sqlType) throws SQLException {
        checkOpen();
        params.setNull(parameterIndex, sqlType);
        if (direct != null) {
            direct.setNull(parameterIndex, sqlType);
        }
    }

    @Override
    public void setBoolean(int parameterIndex, boolean x) throws SQLException {
        checkOpen();
        params.set(parameterIndex, x, Params.BOOLEAN);
        if (direct != null) {
            direct.setBoolean(parameterIndex, x);
        }
    }

    @Override
    public void setByte(int parameterIndex, byte x) throws SQLException {
        checkOpen();
        params.set(parameterIndex, x, (ps, i) -> ps.setByte(i, x));
        if (direct != null) {
            direct.setByte(parameterIndex, x);
        }
    }

    @Override
    public void setShort(int parameterIndex, short x) throws SQLException {
        checkOpen();
        params.set(parameterIndex, x, (ps, i) -> ps.setShort(i, x));
        if (direct != null) {
            direct.setShort(parameterIndex, x);
        }
    }

    @Override
    public void setInt(int parameterIndex, int x) throws SQLException {
        checkOpen();
        params.set(parameterIndex, x, Params.INT);
        if (direct != null) {
            direct.setInt(parameterIndex, x);
        }
    }

    @Override
    public void setLong(int parameterIndex, long x) throws SQLException {
        checkOpen();
        params.set(parameterIndex, x, Params.LONG);
        if (direct != null) {
            direct.setLong(parameterIndex, x);
        }
    }

    @Override
    public void setFloat(int parameterIndex, float x) throws SQLException {
        checkOpen();
        params.set(parameterIndex, x, (ps, i) -> ps.setFloat(i, x));
        if (direct != null) {
            direct.setFloat(parameterIndex, x);
        }
    }

    @Override
    public void setDouble(int parameterIndex, double x) throws SQLException {
        checkOpen();
        params.set(parameterIndex, x, (ps, i) -> ps.setDouble(i, x));
        if (direct != null) {
            direct.setDouble(parameterIndex, x);
        }
    }

    @Override
    public void setBigDecimal(int parameterIndex, BigDecimal x) throws SQLException {
        checkOpen();
        params.set(parameterIndex, x, Params.BIG_DECIMAL);
        if (direct != null) {
            direct.setBigDecimal(parameterIndex, x);
        }
    }

    @Override
    public void setString(int parameterIndex, String x) throws SQLException {
        checkOpen();
        params.set(parameterIndex, x, Params.STRING);
        if (direct != null) {
            direct.setString(parameterIndex, x);
        }
    }

    @Override
    public void setBytes(int parameterIndex, byte[] x) throws SQLException {
        checkOpen();
        params.set(parameterIndex, x, (ps, i) -> ps.setBytes(i, x));
        if (direct != null) {
            direct.setBytes(parameterIndex, x);
        }
    }

    @Override
    public void setDate(int parameterIndex, java.sql.Date x) throws SQLException {
        checkOpen();
        params.set(parameterIndex, x, (ps, i) -> ps.setDate(i, x));
        if (direct != null) {
            direct.setDate(parameterIndex, x);
        }
    }

    @Override
    public void setTime(int parameterIndex, java.sql.Time x) throws SQLException {
        checkOpen();
        params.set(parameterIndex, x, (ps, i) -> ps.setTime(i, x));
        if (direct != null) {
            direct.setTime(parameterIndex, x);
        }
    }

    @Override
    public void setTimestamp(int parameterIndex, java.sql.Timestamp x) throws SQLException {
        checkOpen();
        params.set(parameterIndex, x, Params.TIMESTAMP);
        if (direct != null) {
            direct.setTimestamp(parameterIndex, x);
        }
    }

    @Override
    public void setAsciiStream(int parameterIndex, java.io.InputStream x, int length) throws SQLException {
        checkOpen();
        byte[] bytes = Streams.bytes(x, length);
        params.set(parameterIndex, bytes, (ps, i) -> ps.setAsciiStream(i, Streams.in(bytes), length));
        if (direct != null) {
            direct.setAsciiStream(parameterIndex, Streams.in(bytes), length);
        }
    }

    @Override
    @Deprecated
    public void setUnicodeStream(int parameterIndex, java.io.InputStream x, int length) throws SQLException {
        checkOpen();
        byte[] bytes = Streams.bytes(x, length);
        params.set(parameterIndex, bytes, (ps, i) -> ps.setUnicodeStream(i, Streams.in(bytes), length));
        if (direct != null) {
            direct.setUnicodeStream(parameterIndex, Streams.in(bytes), length);
        }
    }

    @Override
    public void setBinaryStream(int parameterIndex, java.io.InputStream x, int length) throws SQLException {
        checkOpen();
        byte[] bytes = Streams.bytes(x, length);
        params.set(parameterIndex, bytes, (ps, i) -> ps.setBinaryStream(i, Streams.in(bytes), length));
        if (direct != null) {
            direct.setBinaryStream(parameterIndex, Streams.in(bytes), length);
        }
    }

    @Override
    public void setObject(int parameterIndex, Object x, int targetSqlType) throws SQLException {
        checkOpen();
        record(parameterIndex, x, (ps, i) -> ps.setObject(i, x, targetSqlType));
        if (direct != null) {
            direct.setObject(parameterIndex, x, targetSqlType);
        }
    }

    @Override
    public void setObject(int parameterIndex, Object x) throws SQLException {
        checkOpen();
        if (!record(parameterIndex, x)) {
            params.set(parameterIndex, x, Params.OBJECT);
        }
        if (direct != null) {
            direct.setObject(parameterIndex, x);
        }
    }

    @Override
    public void setCharacterStream(int parameterIndex, java.io.Reader reader, int length) throws SQLException {
        checkOpen();
        String text = Streams.text(reader, length);
        params.set(parameterIndex, text, (ps, i) -> ps.setCharacterStream(i, Streams.reader(text), length));
        if (direct != null) {
            direct.setCharacterStream(parameterIndex, Streams.reader(text), length);
        }
    }

    @Override
    public void setRef(int parameterIndex, Ref x) throws SQLException {
        checkOpen();
        params.setNotRepeatable(parameterIndex, x, (ps, i) -> ps.setRef(i, x), "a Ref is tied to the connection that made it");
        if (direct != null) {
            direct.setRef(parameterIndex, x);
        }
    }

    @Override
    public void setBlob(int parameterIndex, Blob x) throws SQLException {
        checkOpen();
        params.setNotRepeatable(parameterIndex, x, (ps, i) -> ps.setBlob(i, x), "a Blob is tied to the connection that made it");
        if (direct != null) {
            direct.setBlob(parameterIndex, x);
        }
    }

    @Override
    public void setClob(int parameterIndex, Clob x) throws SQLException {
        checkOpen();
        params.setNotRepeatable(parameterIndex, x, (ps, i) -> ps.setClob(i, x), "a Clob is tied to the connection that made it");
        if (direct != null) {
            direct.setClob(parameterIndex, x);
        }
    }

    @Override
    public void setArray(int parameterIndex, Array x) throws SQLException {
        checkOpen();
        params.setNotRepeatable(parameterIndex, x, (ps, i) -> ps.setArray(i, x), "a Array is tied to the connection that made it");
        if (direct != null) {
            direct.setArray(parameterIndex, x);
        }
    }

    @Override
    public void setDate(int parameterIndex, java.sql.Date x, Calendar cal) throws SQLException {
        checkOpen();
        params.set(parameterIndex, x, (ps, i) -> ps.setDate(i, x, cal));
        if (direct != null) {
            direct.setDate(parameterIndex, x, cal);
        }
    }

    @Override
    public void setTime(int parameterIndex, java.sql.Time x, Calendar cal) throws SQLException {
        checkOpen();
        params.set(parameterIndex, x, (ps, i) -> ps.setTime(i, x, cal));
        if (direct != null) {
            direct.setTime(parameterIndex, x, cal);
        }
    }

    @Override
    public void setTimestamp(int parameterIndex, java.sql.Timestamp x, Calendar cal) throws SQLException {
        checkOpen();
        params.set(parameterIndex, x, (ps, i) -> ps.setTimestamp(i, x, cal));
        if (direct != null) {
            direct.setTimestamp(parameterIndex, x, cal);
        }
    }

    @Override
    public void setNull(int parameterIndex, int sqlType, String typeName) throws SQLException {
        checkOpen();
        params.set(parameterIndex, null, (ps, i) -> ps.setNull(i, sqlType, typeName));
        if (direct != null) {
            direct.setNull(parameterIndex, sqlType, typeName);
        }
    }

    @Override
    public void setURL(int parameterIndex, java.net.URL x) throws SQLException {
        checkOpen();
        params.set(parameterIndex, x, (ps, i) -> ps.setURL(i, x));
        if (direct != null) {
            direct.setURL(parameterIndex, x);
        }
    }

    @Override
    public void setRowId(int parameterIndex, RowId x) throws SQLException {
        checkOpen();
        params.setNotRepeatable(parameterIndex, x, (ps, i) -> ps.setRowId(i, x), "a RowId is tied to the connection that made it");
        if (direct != null) {
            direct.setRowId(parameterIndex, x);
        }
    }

    @Override
    public void setNString(int parameterIndex, String value) throws SQLException {
        checkOpen();
        params.set(parameterIndex, value, (ps, i) -> ps.setNString(i, value));
        if (direct != null) {
            direct.setNString(parameterIndex, value);
        }
    }

    @Override
    public void setNCharacterStream(int parameterIndex, Reader value, long length) throws SQLException {
        checkOpen();
        String text = Streams.text(value, length);
        params.set(parameterIndex, text, (ps, i) -> ps.setNCharacterStream(i, Streams.reader(text), length));
        if (direct != null) {
            direct.setNCharacterStream(parameterIndex, Streams.reader(text), length);
        }
    }

    @Override
    public void setNClob(int parameterIndex, NClob value) throws SQLException {
        checkOpen();
        params.setNotRepeatable(parameterIndex, value, (ps, i) -> ps.setNClob(i, value), "a NClob is tied to the connection that made it");
        if (direct != null) {
            direct.setNClob(parameterIndex, value);
        }
    }

    @Override
    public void setClob(int parameterIndex, Reader reader, long length) throws SQLException {
        checkOpen();
        String text = Streams.text(reader, length);
        params.set(parameterIndex, text, (ps, i) -> ps.setClob(i, Streams.reader(text), length));
        if (direct != null) {
            direct.setClob(parameterIndex, Streams.reader(text), length);
        }
    }

    @Override
    public void setBlob(int parameterIndex, InputStream inputStream, long length) throws SQLException {
        checkOpen();
        byte[] bytes = Streams.bytes(inputStream, length);
        params.set(parameterIndex, bytes, (ps, i) -> ps.setBlob(i, Streams.in(bytes), length));
        if (direct != null) {
            direct.setBlob(parameterIndex, Streams.in(bytes), length);
        }
    }

    @Override
    public void setNClob(int parameterIndex, Reader reader, long length) throws SQLException {
        checkOpen();
        String text = Streams.text(reader, length);
        params.set(parameterIndex, text, (ps, i) -> ps.setNClob(i, Streams.reader(text), length));
        if (direct != null) {
            direct.setNClob(parameterIndex, Streams.reader(text), length);
        }
    }

    @Override
    public void setSQLXML(int parameterIndex, SQLXML xmlObject) throws SQLException {
        checkOpen();
        params.setNotRepeatable(parameterIndex, xmlObject, (ps, i) -> ps.setSQLXML(i, xmlObject), "a SQLXML is tied to the connection that made it");
        if (direct != null) {
            direct.setSQLXML(parameterIndex, xmlObject);
        }
    }

    @Override
    public void setObject(int parameterIndex, Object x, int targetSqlType, int scaleOrLength) throws SQLException {
        checkOpen();
        record(parameterIndex, x, (ps, i) -> ps.setObject(i, x, targetSqlType, scaleOrLength));
        if (direct != null) {
            direct.setObject(parameterIndex, x, targetSqlType, scaleOrLength);
        }
    }

    @Override
    public void setAsciiStream(int parameterIndex, java.io.InputStream x, long length) throws SQLException {
        checkOpen();
        byte[] bytes = Streams.bytes(x, length);
        params.set(parameterIndex, bytes, (ps, i) -> ps.setAsciiStream(i, Streams.in(bytes), length));
        if (direct != null) {
            direct.setAsciiStream(parameterIndex, Streams.in(bytes), length);
        }
    }

    @Override
    public void setBinaryStream(int parameterIndex, java.io.InputStream x, long length) throws SQLException {
        checkOpen();
        byte[] bytes = Streams.bytes(x, length);
        params.set(parameterIndex, bytes, (ps, i) -> ps.setBinaryStream(i, Streams.in(bytes), length));
        if (direct != null) {
            direct.setBinaryStream(parameterIndex, Streams.in(bytes), length);
        }
    }

    @Override
    public void setCharacterStream(int parameterIndex, java.io.Reader reader, long length) throws SQLException {
        checkOpen();
        String text = Streams.text(reader, length);
        params.set(parameterIndex, text, (ps, i) -> ps.setCharacterStream(i, Streams.reader(text), length));
        if (direct != null) {
            direct.setCharacterStream(parameterIndex, Streams.reader(text), length);
        }
    }

    @Override
    public void setAsciiStream(int parameterIndex, java.io.InputStream x) throws SQLException {
        checkOpen();
        byte[] bytes = Streams.bytes(x, -1);
        params.set(parameterIndex, bytes, (ps, i) -> ps.setAsciiStream(i, Streams.in(bytes)));
        if (direct != null) {
            direct.setAsciiStream(parameterIndex, Streams.in(bytes));
        }
    }

    @Override
    public void setBinaryStream(int parameterIndex, java.io.InputStream x) throws SQLException {
        checkOpen();
        byte[] bytes = Streams.bytes(x, -1);
        params.set(parameterIndex, bytes, (ps, i) -> ps.setBinaryStream(i, Streams.in(bytes)));
        if (direct != null) {
            direct.setBinaryStream(parameterIndex, Streams.in(bytes));
        }
    }

    @Override
    public void setCharacterStream(int parameterIndex, java.io.Reader reader) throws SQLException {
        checkOpen();
        String text = Streams.text(reader, -1);
        params.set(parameterIndex, text, (ps, i) -> ps.setCharacterStream(i, Streams.reader(text)));
        if (direct != null) {
            direct.setCharacterStream(parameterIndex, Streams.reader(text));
        }
    }

    @Override
    public void setNCharacterStream(int parameterIndex, Reader value) throws SQLException {
        checkOpen();
        String text = Streams.text(value, -1);
        params.set(parameterIndex, text, (ps, i) -> ps.setNCharacterStream(i, Streams.reader(text)));
        if (direct != null) {
            direct.setNCharacterStream(parameterIndex, Streams.reader(text));
        }
    }

    @Override
    public void setClob(int parameterIndex, Reader reader) throws SQLException {
        checkOpen();
        String text = Streams.text(reader, -1);
        params.set(parameterIndex, text, (ps, i) -> ps.setClob(i, Streams.reader(text)));
        if (direct != null) {
            direct.setClob(parameterIndex, Streams.reader(text));
        }
    }

    @Override
    public void setBlob(int parameterIndex, InputStream inputStream) throws SQLException {
        checkOpen();
        byte[] bytes = Streams.bytes(inputStream, -1);
        params.set(parameterIndex, bytes, (ps, i) -> ps.setBlob(i, Streams.in(bytes)));
        if (direct != null) {
            direct.setBlob(parameterIndex, Streams.in(bytes));
        }
    }

    @Override
    public void setNClob(int parameterIndex, Reader reader) throws SQLException {
        checkOpen();
        String text = Streams.text(reader, -1);
        params.set(parameterIndex, text, (ps, i) -> ps.setNClob(i, Streams.reader(text)));
        if (direct != null) {
            direct.setNClob(parameterIndex, Streams.reader(text));
        }
    }

    @Override
    public void setObject(int parameterIndex, Object x, SQLType targetSqlType, int scaleOrLength) throws SQLException {
        checkOpen();
        record(parameterIndex, x, (ps, i) -> ps.setObject(i, x, targetSqlType, scaleOrLength));
        if (direct != null) {
            direct.setObject(parameterIndex, x, targetSqlType, scaleOrLength);
        }
    }

    @Override
    public void setObject(int parameterIndex, Object x, SQLType targetSqlType) throws SQLException {
        checkOpen();
        record(parameterIndex, x, (ps, i) -> ps.setObject(i, x, targetSqlType));
        if (direct != null) {
            direct.setObject(parameterIndex, x, targetSqlType);
        }
    }

}
