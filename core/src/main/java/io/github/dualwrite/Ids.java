package io.github.dualwrite;

import java.util.List;

/** Whether an INSERT gives its ids, leaves every one of them to be made, or mixes both. */
enum Ids {
    /** Every row names its primary key (or the statement lists no columns, so it cannot be told). */
    GIVEN,
    /** No row gives its id: the single-column key is not listed, or listed and bound to NULL parameters. */
    GENERATED,
    /** Ids are left out in a form no rewrite can fill (composite key, NULL literals, mixed rows, no column list). */
    NOT_CARRIABLE;

    static Ids of(InsertShape insert, List<String> pk, Object[] values) {
        if (insert.columns().isEmpty()) {
            return GIVEN;
        }
        boolean anyMissing = pk.stream().anyMatch(c -> insert.columnIndex(c) < 0);
        if (pk.size() > 1) {
            return anyMissing ? NOT_CARRIABLE : GIVEN;
        }
        if (anyMissing) {
            return insert.hasRegularColumnList() ? GENERATED : NOT_CARRIABLE;
        }
        int column = insert.columnIndex(pk.get(0));
        int nulls = 0;
        int nullParameters = 0;
        for (List<ValueRef> row : insert.rows()) {
            ValueRef ref = column < row.size() ? row.get(column) : null;
            if (ref == null || !ref.isKnown() || ref.resolve(values) == null) {
                nulls++;
                if (ref != null && ref.isParameter()) {
                    nullParameters++;
                }
            }
        }
        if (nulls == 0) {
            return GIVEN;
        }
        boolean allNullParameters = nullParameters == insert.rows().size();
        return allNullParameters && insert.hasRegularColumnList() ? GENERATED : NOT_CARRIABLE;
    }
}
