package io.github.dualwrite.jdbc;

import io.github.dualwrite.sql.InsertShape;
import io.github.dualwrite.sql.SqlShape;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * An INSERT without its id column, rewritten to carry the ids the old side generated:
 * {@code INSERT INTO t (a, b) VALUES (?, ?), (?, 5)} becomes
 * {@code INSERT INTO t (id, a, b) VALUES (?, ?, ?), (?, ?, 5)}, with a map from each new parameter to
 * either an original parameter or the id of a row. Built from the parser's text positions, never by
 * pattern matching.
 */
final class InsertRewrite {

    private final String sql;
    private final int rows;
    /** For each new parameter: {@code >= 0} the original 0-based parameter, {@code < 0} the id of row {@code -1 - v}. */
    private final int[] sources;

    private InsertRewrite(String sql, int rows, int[] sources) {
        this.sql = sql;
        this.rows = rows;
        this.sources = sources;
    }

    /**
     * The rewrite for {@code shape}: when the id column is listed (bound to NULL parameters), the same SQL
     * with those parameters replaced by the ids; otherwise the column added with a parameter per row.
     */
    static InsertRewrite of(SqlShape shape, String idColumn) {
        InsertShape insert = shape.insert();
        if (insert == null || !insert.hasRegularColumnList()) {
            throw new IllegalArgumentException("not an INSERT with a column list: " + shape.sql());
        }
        int listed = insert.columnIndex(idColumn);
        if (listed >= 0) {
            return replacing(shape, listed);
        }
        String original = shape.sql();
        List<int[]> inserts = new ArrayList<>(); // {position, text kind}: kind -1 = column, r >= 0 = row r
        inserts.add(new int[] {insert.columnListStart() + 1, -1});
        for (int r = 0; r < insert.rowStarts().size(); r++) {
            inserts.add(new int[] {insert.rowStarts().get(r) + 1, r});
        }
        StringBuilder sb = new StringBuilder(original.length() + 8 * inserts.size());
        List<Integer> sources = new ArrayList<>();
        List<Integer> params = insert.parameterPositions();
        int copied = 0;
        int nextParam = 0;
        for (int[] at : inserts) {
            while (nextParam < params.size() && params.get(nextParam) < at[0]) {
                sources.add(nextParam++);
            }
            sb.append(original, copied, at[0]);
            copied = at[0];
            if (at[1] < 0) {
                sb.append(idColumn).append(", ");
            } else {
                sb.append("?, ");
                sources.add(-1 - at[1]);
            }
        }
        while (nextParam < params.size()) {
            sources.add(nextParam++);
        }
        sb.append(original, copied, original.length());
        return new InsertRewrite(sb.toString(), insert.rows().size(), sources.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The id column is listed and its values are parameters: bind each row's id in their place. */
    private static InsertRewrite replacing(SqlShape shape, int column) {
        InsertShape insert = shape.insert();
        int[] sources = new int[insert.parameterPositions().size()];
        for (int i = 0; i < sources.length; i++) {
            sources[i] = i;
        }
        for (int r = 0; r < insert.rows().size(); r++) {
            io.github.dualwrite.sql.ValueRef ref = insert.rows().get(r).get(column);
            if (!ref.isParameter()) {
                throw new IllegalArgumentException("row " + r + " gives the id as " + ref + ", not as a parameter");
            }
            sources[ref.parameterIndex()] = -1 - r;
        }
        return new InsertRewrite(shape.sql(), insert.rows().size(), sources);
    }

    /** The rewritten SQL. */
    String sql() {
        return sql;
    }

    /** VALUES rows per execution (ids needed per execution). */
    int rows() {
        return rows;
    }

    /**
     * Binds one execution: the original parameters (null for a plain Statement) and the ids of its rows.
     */
    void bind(PreparedStatement ps, Params params, List<Object> ids) throws SQLException {
        for (int i = 0; i < sources.length; i++) {
            int source = sources[i];
            if (source >= 0) {
                params.bindOne(ps, source, i + 1);
            } else {
                ps.setObject(i + 1, ids.get(-1 - source));
            }
        }
    }
}
