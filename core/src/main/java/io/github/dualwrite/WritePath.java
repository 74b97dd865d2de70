package io.github.dualwrite;

import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.TableConfig;
import io.github.dualwrite.journal.JournalEntry;
import io.github.dualwrite.InsertShape;
import io.github.dualwrite.SqlShape;
import io.github.dualwrite.ValueRef;
import io.github.dualwrite.VolatileCall;
import io.github.dualwrite.sync.RowSync;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.rowset.CachedRowSet;

/**
 * Runs one write, or one batch of a prepared statement, the way its plan says: the one place that decides
 * the order of a dual write. Read it top to bottom:
 *
 * <ol>
 *   <li>ids an id source makes are taken, and non-deterministic calls are evaluated once, on the authority;</li>
 *   <li>the authority runs the statement (rewritten to carry those values when there are any); its count,
 *       keys and failure are the caller's; in auto-commit mode its row locks stay held until step 4;</li>
 *   <li>ids the old side generated are read back and carried into the other side's INSERT;</li>
 *   <li>the secondary runs the same values behind the circuit breaker, or is journaled when it cannot
 *       repeat the statement; what did not verifiably apply there is journaled, never thrown.</li>
 * </ol>
 */
final class WritePath {

    /** What a write hands back: the authority's counts, and keys to show the caller (null: the driver's own). */
    record Outcome(long count, long[] counts, CachedRowSet keys) {
    }

    private final DualWriteConnection conn;

    WritePath(DualWriteConnection conn) {
        this.conn = conn;
    }

    // ------------------------------------------------------------------ one statement

    Outcome update(Invocation inv, Plan plan, Object[] values, Invocation.Keys callerKeys) throws SQLException {
        if (!plan.dual() && plan.ids() == Plan.IdMode.NONE && !plan.bindVolatile()) {
            conn.wroteAuthoritative(plan.authority());
            return new Outcome(inv.update(plan.authority(), callerKeys, false), null, null);
        }
        try (RowSync.LiveWrites.Fence fence = conn.fence(List.of(plan))) {
            return holding(plan.authority(), plan.secondary() != null, plan, values, () -> dual(inv, plan, values, callerKeys));
        }
    }

    /** A write whose first half's locks may be held. */
    @FunctionalInterface
    interface Work<T> {
        T run() throws SQLException;
    }

    /**
     * Runs {@code work} holding the authority's row locks until the secondary ran when {@code needed} and the
     * connection is in auto-commit mode (a transaction holds them anyway): a RowSync or backfill copying the
     * same rows can then never land between the two halves of the write. A batch that failed part-way keeps
     * the rows the driver applied, as it would without dual write.
     */
    <T> T holding(Side authority, boolean needed, Plan plan, Object[] values, Work<T> work) throws SQLException {
        boolean hold = needed && conn.holdLocks(authority);
        try {
            T out = work.run();
            if (hold) {
                conn.releaseLocks(true, plan, values);
            }
            return out;
        } catch (BatchUpdateException partial) {
            if (hold) {
                conn.releaseLocks(true, plan, values);
            }
            throw partial;
        } catch (SQLException | RuntimeException e) {
            if (hold) {
                conn.releaseLocks(false, plan, values);
            }
            throw e;
        }
    }

    private Outcome dual(Invocation inv, Plan plan, Object[] values, Invocation.Keys callerKeys) throws SQLException {
        Engine engine = conn.engine();
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
        if (plan.secondary() == null && plan.journalInstead() == null) {
            return new Outcome(n, null, keys); // one side, ids from the id source
        }
        Side b = plan.secondary();
        if (why == null && plan.journalInstead() == null) {
            why = cannotRepeat(inv.notRepeatable(), calls != null, inv.shapeOn(a), inv.shapeOn(b));
        }
        if (plan.journalInstead() != null || why != null) {
            JournalEntry.Reason reason = plan.journalInstead() != null ? plan.journalInstead() : JournalEntry.Reason.NOT_REPEATABLE;
            conn.journal(Journaling.entries(now(), plan, values, copied, plan.behind(), reason, null,
                    why != null ? why : plan.reason()));
            return new Outcome(n, null, keys);
        }
        Rewrite rb;
        try {
            rb = copied != null || calls != null
                    ? engine.rewrite(inv.shapeOn(b), copied != null ? idColumn : null, calls != null) : null;
        } catch (IllegalArgumentException e) {
            conn.journal(Journaling.entries(now(), plan, values, copied, plan.behind(), JournalEntry.Reason.NOT_REPEATABLE,
                    null, uncarriable(e)));
            return new Outcome(n, null, keys);
        }
        List<Object> secondaryIds = copied;
        Object[] secondaryCalls = calls;
        SecondaryWork.Single.Call call = rb == null ? () -> inv.update(b, Invocation.Keys.NONE, true)
                : () -> inv.update(b, rb, secondaryIds, secondaryCalls, Invocation.Keys.NONE, true);
        conn.runSecondary(b, new SecondaryWork.Single(plan, values, copied, n, call));
        return new Outcome(n, null, keys);
    }

    // ------------------------------------------------------------------ a prepared-statement batch

    /**
     * Runs the rows as one batch on the authority, then the rows that need it as one batch on the secondary,
     * comparing counts row by row. Rows a partly failed batch applied still reach the secondary before the
     * {@link BatchUpdateException} is passed on.
     */
    Outcome batch(BatchInvocation inv, List<Plan> plans, Invocation.Keys callerKeys) throws SQLException {
        Side a = BatchPlans.commonPrimary(plans);
        try (RowSync.LiveWrites.Fence fence = conn.fence(plans)) {
            return holding(a, plans.stream().anyMatch(p -> p.secondary() != null), plans.get(0), null,
                    () -> batchOn(a, inv, plans, callerKeys));
        }
    }

    private Outcome batchOn(Side a, BatchInvocation inv, List<Plan> plans, Invocation.Keys callerKeys) throws SQLException {
        Engine engine = conn.engine();
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
                    : inject || fromOld ? given(p.shape(), idColumn, values.get(i)) : null);
        }
        List<Object[]> calls = bind ? CallValues.evaluate(conn.physical(a), engine.rewrite(inv.shapeOn(a), null, true), n) : null;
        Rewrite ra = inject || bind ? engine.rewrite(inv.shapeOn(a), inject ? idColumn : null, bind) : null;
        List<Integer> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            all.add(i);
        }
        BatchRun run = inv.run(a, all, ra, ids, calls, fromOld ? Invocation.Keys.IDS : callerKeys, false);
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
            idsBroken = !fromOldIds(GeneratedKeys.firstColumn(keys), plans, perRow, counts, ids);
        }
        secondary(inv, plans, counts, ids, calls, idsBroken, idColumn);
        run.rethrow();
        return new Outcome(-1, counts, keys);
    }

    /** The second half of a batch, for the rows the first half applied. */
    private void secondary(BatchInvocation inv, List<Plan> plans, long[] counts, List<List<Object>> ids,
                           List<Object[]> calls, boolean idsBroken, String idColumn) throws SQLException {
        List<Integer> dual = new ArrayList<>();
        List<JournalEntry> journal = new ArrayList<>();
        List<Object[]> values = inv.values();
        Instant now = now();
        Side b = null;
        for (int i = 0; i < plans.size() && i < counts.length; i++) {
            Plan p = plans.get(i);
            if (counts[i] == Statement.EXECUTE_FAILED) {
                continue;
            }
            conn.wroteAuthoritative(p.authority());
            if (!p.dual()) {
                continue;
            }
            String why = p.journalInstead() != null ? p.reason()
                    : idsBroken && p.ids() == Plan.IdMode.FROM_OLD ? "the batch returned a number of generated ids that does not fit its rows"
                    : cannotRepeat(inv.notRepeatable(i), calls != null, inv.shapeOn(p.authority()), inv.shapeOn(p.secondary()));
            if (why != null) {
                JournalEntry.Reason reason = p.journalInstead() != null ? p.journalInstead() : JournalEntry.Reason.NOT_REPEATABLE;
                journal.addAll(Journaling.entries(now, p, values.get(i), ids.get(i), p.behind(), reason, null, why));
            } else {
                dual.add(i);
                b = p.secondary();
            }
        }
        conn.journal(journal);
        if (dual.isEmpty()) {
            return;
        }
        Side second = b;
        boolean withIds = idColumn != null;
        Rewrite rb;
        try {
            rb = withIds || calls != null ? conn.engine().rewrite(inv.shapeOn(second), withIds ? idColumn : null, calls != null)
                    : null;
        } catch (IllegalArgumentException e) {
            List<JournalEntry> all = new ArrayList<>();
            for (int i : dual) {
                Plan p = plans.get(i);
                all.addAll(Journaling.entries(now, p, values.get(i), ids.get(i), p.behind(),
                        JournalEntry.Reason.NOT_REPEATABLE, null, uncarriable(e)));
            }
            conn.journal(all);
            return;
        }
        List<Plan> dualPlans = new ArrayList<>();
        List<Object[]> dualValues = new ArrayList<>();
        List<List<Object>> dualIds = new ArrayList<>();
        long[] expected = new long[dual.size()];
        for (int k = 0; k < dual.size(); k++) {
            int i = dual.get(k);
            dualPlans.add(plans.get(i));
            dualValues.add(values.get(i));
            dualIds.add(ids.get(i));
            expected[k] = counts[i];
        }
        conn.runSecondary(second, new SecondaryWork.Batch(dualPlans, dualValues, dualIds, expected,
                () -> inv.run(second, dual, rb, ids, calls, Invocation.Keys.NONE, true).countsOrThrow()));
    }

    /** Splits the ids the old side generated into one list per row; false when their number does not fit. */
    private boolean fromOldIds(List<Object> generated, List<Plan> plans, int perRow, long[] counts,
                               List<List<Object>> ids) {
        int made = 0;
        for (int i = 0; i < plans.size() && i < counts.length; i++) {
            if (plans.get(i).ids() == Plan.IdMode.FROM_OLD && counts[i] != Statement.EXECUTE_FAILED) {
                made++;
            }
        }
        if (generated.size() != made * perRow) {
            return false;
        }
        int next = 0;
        for (int i = 0; i < plans.size() && i < counts.length; i++) {
            if (plans.get(i).ids() == Plan.IdMode.FROM_OLD && counts[i] != Statement.EXECUTE_FAILED) {
                ids.set(i, generated.subList(next, next + perRow));
                next += perRow;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Why the secondary cannot run what the authority ran, or null: parameters tied to one connection, or
     * non-deterministic calls the other side's own SQL does not have in the same order.
     */
    private static String cannotRepeat(String notRepeatable, boolean calls, SqlShape a, SqlShape b) {
        if (notRepeatable != null) {
            return notRepeatable + ", so the statement cannot be repeated on the other side; repair copies the rows";
        }
        if (calls && a != b && !texts(a).equals(texts(b))) {
            return "the new side's SQL has other non-deterministic calls (" + texts(b) + ") than the statement ("
                    + texts(a) + "), so no single value can be bound on both; repair copies the rows";
        }
        return null;
    }

    /** Why the secondary's SQL (a new-side counterpart) could not be given the ids or values. */
    private static String uncarriable(IllegalArgumentException e) {
        return "the new side's SQL cannot carry the ids or values bound on the authority (" + e.getMessage()
                + "); repair copies the rows";
    }

    private static List<String> texts(SqlShape shape) {
        return shape.volatileCalls().stream().map(VolatileCall::text).toList();
    }

    /** The ids a row gives itself in the id column (so a rewrite that carries ids can bind them too). */
    private static List<Object> given(SqlShape shape, String idColumn, Object[] values) {
        InsertShape insert = shape.insert();
        int column = insert == null ? -1 : insert.columnIndex(idColumn);
        if (column < 0) {
            return null;
        }
        List<Object> out = new ArrayList<>(insert.rows().size());
        for (List<ValueRef> row : insert.rows()) {
            out.add(row.get(column).resolve(values));
        }
        return out;
    }

    private static TableConfig idTable(Plan plan) {
        return plan.unit().table(plan.shape().tables().get(0)).orElseThrow();
    }

    private Instant now() {
        return conn.engine().clock().instant();
    }
}
