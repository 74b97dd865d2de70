package io.github.dualwrite;

import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** The values a dual write carries from the authority to the secondary: ids and non-deterministic calls. */
final class WriteValues {

    private WriteValues() {
    }

    /**
     * Why the secondary cannot run what the authority ran, or null: parameters tied to one connection, or
     * non-deterministic calls the other side's own SQL does not have in the same order.
     */
    static String cannotRepeat(String notRepeatable, boolean calls, SqlShape a, SqlShape b) {
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
    static String uncarriable(IllegalArgumentException e) {
        return "the new side's SQL cannot carry the ids or values bound on the authority (" + e.getMessage()
                + "); repair copies the rows";
    }

    private static List<String> texts(SqlShape shape) {
        return shape.volatileCalls().stream().map(VolatileCall::text).toList();
    }

    /** The ids a row gives itself in the id column (so a rewrite that carries ids can bind them too). */
    static List<Object> given(SqlShape shape, String idColumn, Object[] values) {
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

    /**
     * Splits the ids the old side generated for a batch into one list per applied row that asked for them;
     * false when their number does not fit.
     */
    static boolean splitIds(List<Object> generated, List<Plan> plans, int perRow, long[] counts, List<List<Object>> ids) {
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
}
