package io.github.dualwrite;

import io.github.dualwrite.journal.JournalEntry;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The secondary half of one write (a statement or a batch): runs it, checks its row counts against the
 * authority's, and knows the journal entries that cover it should it not apply.
 */
abstract class SecondaryWork {

    /** Runs the write on the secondary side. */
    abstract void run() throws SQLException;

    /** The unit written, for the failure summary. */
    abstract String unit();

    /** After a successful run: entries for rows whose count differs or cannot be checked. */
    abstract List<JournalEntry> unverified(Instant now);

    /** Entries covering everything this work wrote, for when it did not apply at all. */
    abstract List<JournalEntry> everything(Instant now, JournalEntry.Reason reason, Throwable error, String message);

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

    /** One statement. */
    static final class Single extends SecondaryWork {
        private final Plan plan;
        private final Object[] values;
        private final List<Object> ids;
        private final long expected;
        private final Call call;
        private long got;

        /** Executes the secondary statement, returning its row count. */
        @FunctionalInterface
        interface Call {
            long run() throws SQLException;
        }

        Single(Plan plan, Object[] values, List<Object> ids, long expected, Call call) {
            this.plan = plan;
            this.values = values;
            this.ids = ids;
            this.expected = expected;
            this.call = call;
        }

        @Override
        void run() throws SQLException {
            got = call.run();
        }

        @Override
        String unit() {
            return plan.unit() == null ? "-" : plan.unit().name();
        }

        @Override
        List<JournalEntry> unverified(Instant now) {
            JournalEntry.Reason reason = compare(plan, expected, got);
            if (reason == null) {
                return List.of();
            }
            return Journaling.entries(now, plan, values, ids, plan.behind(), reason, null,
                    "affected rows: " + plan.authority() + " " + expected + ", " + plan.behind() + " " + got);
        }

        @Override
        List<JournalEntry> everything(Instant now, JournalEntry.Reason reason, Throwable error, String message) {
            return Journaling.entries(now, plan, values, ids, plan.behind(), reason, error, message);
        }
    }

    /** A batch: one plan, values and ids per row. */
    static final class Batch extends SecondaryWork {
        private final List<Plan> plans;
        private final List<Object[]> values;
        private final List<List<Object>> ids;
        private final long[] expected;
        private final Call call;
        private long[] got;

        /** Executes the secondary batch, returning its row counts. */
        @FunctionalInterface
        interface Call {
            long[] run() throws SQLException;
        }

        Batch(List<Plan> plans, List<Object[]> values, List<List<Object>> ids, long[] expected, Call call) {
            this.plans = plans;
            this.values = values;
            this.ids = ids;
            this.expected = expected;
            this.call = call;
        }

        @Override
        void run() throws SQLException {
            got = call.run();
        }

        @Override
        String unit() {
            return plans.get(0).unit() == null ? "-" : plans.get(0).unit().name();
        }

        @Override
        List<JournalEntry> unverified(Instant now) {
            List<JournalEntry> out = new ArrayList<>();
            for (int i = 0; i < plans.size(); i++) {
                long secondary = i < got.length ? got[i] : Statement.EXECUTE_FAILED;
                JournalEntry.Reason reason = compare(plans.get(i), expected[i], secondary);
                if (reason != null) {
                    Plan p = plans.get(i);
                    out.addAll(Journaling.entries(now, p, values.get(i), ids.get(i), p.behind(), reason, null,
                            "batch row " + i + " affected rows: " + p.authority() + " " + expected[i] + ", "
                                    + p.behind() + " " + secondary));
                }
            }
            return out;
        }

        @Override
        List<JournalEntry> everything(Instant now, JournalEntry.Reason reason, Throwable error, String message) {
            List<JournalEntry> out = new ArrayList<>();
            for (int i = 0; i < plans.size(); i++) {
                out.addAll(Journaling.entries(now, plans.get(i), values.get(i), ids.get(i), plans.get(i).behind(),
                        reason, error, message));
            }
            return out;
        }
    }
}
