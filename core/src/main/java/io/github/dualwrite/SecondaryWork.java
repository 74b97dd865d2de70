package io.github.dualwrite;

import io.github.dualwrite.journal.JournalEntry;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The secondary half of one write, a statement or the rows of a batch: runs it, checks its row counts
 * against the authority's, and knows the journal entries that cover it should it not apply. A single
 * statement is a batch of one row.
 */
final class SecondaryWork {

    /** Executes the secondary statement or batch, returning its row counts. */
    @FunctionalInterface
    interface Call {
        long[] run() throws SQLException;
    }

    /**
     * The secondary statement or batch detached from the application's statement (its SQL and a copy of its
     * values), run later on a connection of its own: the ASYNC mode's work.
     */
    @FunctionalInterface
    interface Replay {
        long[] run(java.sql.Connection c, int timeoutSeconds) throws SQLException;
    }

    /** Makes the {@link Replay} of a write when it is to run ASYNC (copies the values only then). */
    @FunctionalInterface
    interface Detach {
        Replay replay();
    }

    private final List<Plan> plans;
    private final List<Object[]> values;
    private final List<List<Object>> ids;
    private final long[] expected;
    private final boolean batch;
    private final Call call;
    private final Detach detach;
    private Replay replay;
    private long[] got;

    private SecondaryWork(List<Plan> plans, List<Object[]> values, List<List<Object>> ids, long[] expected,
                          boolean batch, Call call, Detach detach) {
        this.plans = plans;
        this.values = values;
        this.ids = ids;
        this.expected = expected;
        this.batch = batch;
        this.call = call;
        this.detach = detach;
    }

    /** One statement that affected {@code expected} rows on the authority. */
    static SecondaryWork statement(Plan plan, Object[] values, List<Object> ids, long expected, Call call, Detach detach) {
        List<Object[]> v = new ArrayList<>(1);
        v.add(values);
        List<List<Object>> i = new ArrayList<>(1);
        i.add(ids);
        return new SecondaryWork(List.of(plan), v, i, new long[] {expected}, false, call, detach);
    }

    /** The rows {@code which} of a batch, whose authority counts are {@code counts}; null values for plain SQL. */
    static SecondaryWork rows(List<Plan> plans, List<Object[]> values, List<List<Object>> ids, long[] counts,
                              List<Integer> which, Call call, Detach detach) {
        List<Plan> p = new ArrayList<>(which.size());
        List<Object[]> v = new ArrayList<>(which.size());
        List<List<Object>> i = new ArrayList<>(which.size());
        long[] expected = new long[which.size()];
        for (int k = 0; k < which.size(); k++) {
            int row = which.get(k);
            p.add(plans.get(row));
            v.add(values == null ? null : values.get(row));
            i.add(ids.get(row));
            expected[k] = counts[row];
        }
        return new SecondaryWork(p, v, i, expected, true, call, detach);
    }

    /** This work detached from the application's statement, to run later with {@link #runOn} (ASYNC). */
    SecondaryWork detached() {
        SecondaryWork d = new SecondaryWork(plans, values, ids, expected, batch, null, null);
        d.replay = detach.replay();
        return d;
    }

    /** Whether this work lost its replay (kept by key only, see {@link #keysOnly}): it cannot run ASYNC. */
    boolean detachedReplayMissing() {
        return replay == null;
    }

    /** Runs detached work on {@code c}, a connection of the secondary side. */
    void runOn(java.sql.Connection c, int timeoutSeconds) throws SQLException {
        got = replay.run(c, timeoutSeconds);
    }

    /** The plans of the rows, for their users. */
    List<Plan> plans() {
        return plans;
    }

    /** An estimate of the bytes this work keeps: its parameter values. */
    long estimatedBytes() {
        long bytes = 64L * plans.size();
        for (Object[] row : values) {
            if (row != null) {
                for (Object v : row) {
                    bytes += Params.estimatedBytes(v);
                }
            }
        }
        return bytes;
    }

    /**
     * This work, after it ran, without its parameter values: each row keeps its primary-key values (as the
     * ids journal entries name) and its plan's routing keys, all repair needs.
     */
    SecondaryWork keysOnly() {
        List<Object[]> none = new ArrayList<>(plans.size());
        List<List<Object>> keys = new ArrayList<>(plans.size());
        for (int i = 0; i < plans.size(); i++) {
            none.add(null);
            List<Object> id = ids.get(i);
            if (id == null || id.isEmpty()) {
                id = values.get(i) == null ? null : Journaling.primaryKeyValues(plans.get(i), values.get(i));
            }
            keys.add(id);
        }
        // the call has run; it is dropped too, as it may hold the statement's values
        SecondaryWork compact = new SecondaryWork(plans, none, keys, expected, batch, null, null);
        compact.got = got;
        return compact;
    }

    /** Runs the write on the secondary side. */
    void run() throws SQLException {
        got = call.run();
    }

    /** The unit written, for the failure summary. */
    String unit() {
        return plans.get(0).unit() == null ? "-" : plans.get(0).unit().name();
    }

    /** After a successful run: entries for rows whose count differs or cannot be checked. */
    List<JournalEntry> unverified(Instant now) {
        List<JournalEntry> out = new ArrayList<>();
        for (int i = 0; i < plans.size(); i++) {
            long secondary = i < got.length ? got[i] : Statement.EXECUTE_FAILED;
            Plan p = plans.get(i);
            JournalEntry.Reason reason = compare(p, expected[i], secondary);
            if (reason != null) {
                out.addAll(Journaling.entries(now, p, values.get(i), ids.get(i), p.behind(), reason, null,
                        (batch ? "batch row " + i + " " : "") + "affected rows: " + p.authority() + " " + expected[i]
                                + ", " + p.behind() + " " + secondary));
            }
        }
        return out;
    }

    /** Entries covering everything this work wrote, for when it did not apply at all. */
    List<JournalEntry> everything(Instant now, JournalEntry.Reason reason, Throwable error, String message) {
        List<JournalEntry> out = new ArrayList<>();
        for (int i = 0; i < plans.size(); i++) {
            out.addAll(Journaling.entries(now, plans.get(i), values.get(i), ids.get(i), plans.get(i).behind(),
                    reason, error, message));
        }
        return out;
    }

    /** Decides whether two row counts agree; -2 (SUCCESS_NO_INFO) is only trusted for plain inserts. */
    static JournalEntry.Reason compare(Plan plan, long authority, long secondary) {
        if (authority == secondary) {
            return null;
        }
        if (authority == Statement.SUCCESS_NO_INFO || secondary == Statement.SUCCESS_NO_INFO) {
            boolean plainInsert = Journaling.operation(plan.shape()) == JournalEntry.Operation.INSERT;
            return plainInsert ? null : JournalEntry.Reason.UNVERIFIED;
        }
        return JournalEntry.Reason.ROW_COUNT_MISMATCH;
    }
}
