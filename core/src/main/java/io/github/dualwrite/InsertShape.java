package io.github.dualwrite;

import java.util.List;

/**
 * The VALUES part of an INSERT or REPLACE, with the text positions needed to add a column to it.
 *
 * @param columns            the column list, lower case; empty when the statement has none
 * @param columnListStart    index of the column list's {@code (} in the SQL, -1 without a column list
 * @param rows               the VALUES rows, each with its values in column order
 * @param rowStarts          index of each row's {@code (} in the SQL
 * @param parameterPositions index in the SQL of every {@code ?}, in parameter order
 * @param fromSelect         {@code INSERT ... SELECT}: the rows come from a query
 * @param onDuplicateKey     {@code ON DUPLICATE KEY UPDATE} follows the rows
 */
record InsertShape(List<String> columns, int columnListStart, List<List<ValueRef>> rows, List<Integer> rowStarts,
                          List<Integer> parameterPositions, boolean fromSelect, boolean onDuplicateKey) {

    /** Copies the lists. */
    public InsertShape {
        columns = List.copyOf(columns);
        rows = rows.stream().map(List::copyOf).toList();
        rowStarts = List.copyOf(rowStarts);
        parameterPositions = List.copyOf(parameterPositions);
    }

    /** Position of a column (case-insensitive) in the column list, or -1. */
    public int columnIndex(String column) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).equalsIgnoreCase(column)) {
                return i;
            }
        }
        return -1;
    }

    /** Whether the statement lists its columns and every row has one value per column. */
    public boolean hasRegularColumnList() {
        if (columnListStart < 0 || columns.isEmpty() || rows.isEmpty() || fromSelect) {
            return false;
        }
        return rows.stream().allMatch(r -> r.size() == columns.size());
    }
}
