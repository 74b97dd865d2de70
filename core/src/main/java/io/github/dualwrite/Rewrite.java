package io.github.dualwrite;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A statement rewritten to carry values it would otherwise leave to each database: the ids of an INSERT that
 * omits its primary key ({@code INSERT INTO t (a) VALUES (?), (?)} becomes
 * {@code INSERT INTO t (id, a) VALUES (?, ?), (?, ?)}), and the values of non-deterministic calls
 * ({@code SET gmt_modified = NOW(3)} becomes {@code SET gmt_modified = ?}), so that both sides store the same
 * row. Built from the parser's and lexer's text positions, never by pattern matching; cached per SQL text.
 */
final class Rewrite {

    private final String sql;
    private final int rows;
    private final List<String> calls;
    /** For each parameter of the new SQL: {@code >= 0} the original 0-based parameter, {@code < 0} slot {@code -1 - v}. */
    private final int[] sources;
    /** Index of each parameter's {@code ?} in the new SQL. */
    private final int[] markers;

    private Rewrite(String sql, int rows, List<String> calls, int[] sources, int[] markers) {
        this.sql = sql;
        this.rows = rows;
        this.calls = calls;
        this.sources = sources;
        this.markers = markers;
    }

    /**
     * The rewrite of {@code shape} carrying ids for {@code idColumn} (null for none) and, when
     * {@code functions}, the values of its non-deterministic calls.
     *
     * @throws IllegalArgumentException when the statement cannot carry them (the planner checks before)
     */
    static Rewrite of(SqlShape shape, String idColumn, boolean functions) {
        if (!shape.isRewritable()) {
            throw new IllegalArgumentException("the text positions of " + shape.sql() + " are not known");
        }
        List<Edit> edits = new ArrayList<>();
        List<Integer> params = shape.parameterPositions();
        for (int p = 0; p < params.size(); p++) {
            edits.add(new Edit(params.get(p), params.get(p), null, p));
        }
        int rows = 0;
        if (idColumn != null) {
            rows = ids(shape, idColumn, edits);
        }
        List<String> calls = new ArrayList<>();
        if (functions) {
            for (VolatileCall call : shape.volatileCalls()) {
                edits.add(new Edit(call.start(), call.end(), "?", -1 - rows - calls.size()));
                calls.add(call.text());
            }
        }
        edits.sort(Comparator.comparingInt(Edit::at).thenComparingInt(e -> e.text == null ? 1 : 0));
        StringBuilder sb = new StringBuilder(shape.sql().length() + 16);
        List<Integer> sources = new ArrayList<>();
        List<Integer> markers = new ArrayList<>();
        String original = shape.sql();
        int copied = 0;
        for (Edit e : edits) {
            sb.append(original, copied, e.at);
            copied = e.at;
            if (e.source != Integer.MIN_VALUE) {
                sources.add(e.source);
                markers.add(sb.length()); // an original ?, or the ? the edit's text starts with
            }
            if (e.text != null) {
                sb.append(e.text);
                copied = e.end;
            }
        }
        sb.append(original, copied, original.length());
        return new Rewrite(sb.toString(), rows, List.copyOf(calls), sources.stream().mapToInt(Integer::intValue).toArray(),
                markers.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Adds the id column and one id per row, or binds the ids in place of NULL parameters; returns the rows. */
    private static int ids(SqlShape shape, String idColumn, List<Edit> edits) {
        InsertShape insert = shape.insert();
        if (insert == null || !insert.hasRegularColumnList()) {
            throw new IllegalArgumentException("not an INSERT with a column list: " + shape.sql());
        }
        int listed = insert.columnIndex(idColumn);
        int rows = insert.rows().size();
        if (listed >= 0) {
            for (int r = 0; r < rows; r++) {
                ValueRef ref = insert.rows().get(r).get(listed);
                if (!ref.isParameter()) {
                    throw new IllegalArgumentException("row " + r + " gives the id as " + ref + ", not as a parameter");
                }
                int p = ref.parameterIndex();
                edits.set(p, new Edit(edits.get(p).at, edits.get(p).at, null, -1 - r));
            }
            return rows;
        }
        edits.add(new Edit(insert.columnListStart() + 1, insert.columnListStart() + 1, idColumn + ", ", Integer.MIN_VALUE));
        for (int r = 0; r < rows; r++) {
            int at = insert.rowStarts().get(r) + 1;
            edits.add(new Edit(at, at, "?, ", -1 - r));
        }
        return rows;
    }

    /** Text replaced (or inserted, when {@code end == at}) at a position, with the parameter it brings. */
    private record Edit(int at, int end, String text, int source) {
    }

    /** The rewritten SQL. */
    String sql() {
        return sql;
    }

    /** Ids it needs per execution (one per VALUES row), 0 when it carries none. */
    int rows() {
        return rows;
    }

    /** Whether it carries the values of non-deterministic calls. */
    boolean hasCalls() {
        return !calls.isEmpty();
    }

    /** The query that evaluates the calls once, on the authority: {@code SELECT NOW(3), UUID()}. */
    String evaluation() {
        return "SELECT " + String.join(", ", calls);
    }

    /** Number of calls whose values it binds. */
    int calls() {
        return calls.size();
    }

    /**
     * The rewritten SQL with the ids written in as literals, for a plain statement that has no parameters to
     * bind them to: only whole-number ids, and only when the rewrite carries nothing else.
     */
    String inline(List<Object> ids) throws SQLException {
        StringBuilder out = new StringBuilder(sql.length() + 8 * ids.size());
        int copied = 0;
        for (int p = 0; p < sources.length; p++) {
            int slot = -1 - sources[p];
            if (sources[p] >= 0 || slot >= rows || !(ids.get(slot) instanceof Long || ids.get(slot) instanceof Integer)) {
                throw new SQLException("dualwrite: a plain-statement batch can carry whole-number ids only; use a"
                        + " PreparedStatement for `" + sql + "`", "0A000");
            }
            out.append(sql, copied, markers[p]).append(ids.get(slot));
            copied = markers[p] + 1;
        }
        return out.append(sql, copied, sql.length()).toString();
    }

    /**
     * Binds one execution: the original parameters (null for a plain statement), the ids of its rows (null
     * when it carries none) and the calls' values (null when it carries none).
     */
    void bind(PreparedStatement ps, Params params, List<Object> ids, Object[] values) throws SQLException {
        for (int i = 0; i < sources.length; i++) {
            int source = sources[i];
            if (source >= 0) {
                params.bindOne(ps, source, i + 1);
            } else {
                int slot = -1 - source;
                ps.setObject(i + 1, slot < rows ? ids.get(slot) : values[slot - rows]);
            }
        }
    }
}
