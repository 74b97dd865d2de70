package io.github.dualwrite;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What routing needs to know about one SQL text, independent of any configuration: its kind, the tables
 * it touches, and where the values of equality-bound columns are (so the router can find the routing key
 * and the primary key). Immutable and cached per SQL text by {@link SqlClassifier}.
 *
 * <p>A column counts as bound only where its value decides the rows for sure: {@code col = ?},
 * {@code ? = col}, {@code col <=> ?} and {@code col IN (?)} (one value) in the top-level AND chain of a
 * WHERE or JOIN ON; in INSERT, the values of the column list. Under OR, NOT or XOR, or in a subquery, it does
 * not count.
 */
final class SqlShape {

    private final String sql;
    private final SqlKind kind;
    private final List<String> tables;
    private final Map<String, List<ValueRef>> bindings;
    private final Set<String> untrustedColumns;
    private final InsertShape insert;
    private final int parameterCount;
    private final String problem;
    private final List<Integer> parameterPositions;
    private final List<VolatileCall> volatileCalls;

    SqlShape(String sql, SqlKind kind, List<String> tables, Map<String, List<ValueRef>> bindings,
             Set<String> untrustedColumns, InsertShape insert, int parameterCount, String problem,
             List<Integer> parameterPositions, List<VolatileCall> volatileCalls) {
        this.sql = sql;
        this.kind = kind;
        this.tables = List.copyOf(tables);
        this.bindings = Map.copyOf(bindings);
        this.untrustedColumns = Set.copyOf(untrustedColumns);
        this.insert = insert;
        this.parameterCount = parameterCount;
        this.problem = problem;
        this.parameterPositions = parameterPositions == null ? null : List.copyOf(parameterPositions);
        this.volatileCalls = List.copyOf(volatileCalls);
    }

    static SqlShape unparsed(String sql, String problem) {
        return new SqlShape(sql, SqlKind.UNPARSED, List.of(), Map.of(), Set.of(), null, -1, problem, List.of(), List.of());
    }

    /** The SQL text. */
    public String sql() {
        return sql;
    }

    /** What the statement does. */
    public SqlKind kind() {
        return kind;
    }

    /** Whether it may change data. */
    public boolean isWrite() {
        return kind.isWrite();
    }

    /** The tables it touches, lower case, without schema, each once, in order of appearance. */
    public List<String> tables() {
        return tables;
    }

    /** Where the values of a column bound by equality are (lower-case column name); empty if unbound. */
    public List<ValueRef> bindings(String column) {
        List<ValueRef> refs = bindings.get(column.toLowerCase(java.util.Locale.ROOT));
        return refs == null ? List.of() : refs;
    }

    /** Columns that appear in conditions that cannot be trusted for routing (under OR/NOT, ranges). */
    public Set<String> untrustedColumns() {
        return untrustedColumns;
    }

    /** The VALUES part of an INSERT or REPLACE, null for other statements. */
    public InsertShape insert() {
        return insert;
    }

    /** Number of {@code ?} markers, -1 when unparsed. */
    public int parameterCount() {
        return parameterCount;
    }

    /**
     * Index in the SQL of every {@code ?}, in parameter order; empty when the lexical count disagrees with the
     * parser's (the statement is then never rewritten).
     */
    public List<Integer> parameterPositions() {
        return parameterPositions == null ? List.of() : parameterPositions;
    }

    /** Calls of non-deterministic functions ({@code NOW()}, {@code UUID()}, ...), in text order. */
    public List<VolatileCall> volatileCalls() {
        return volatileCalls;
    }

    /** Whether the text positions are known, so the statement can be rewritten to carry values. */
    public boolean isRewritable() {
        return kind != SqlKind.UNPARSED && parameterPositions != null;
    }

    /**
     * Why binding each volatile call's value once and using it on both sides would not give the rows the
     * statement gives on its own, or null when it would: a per-row function ({@code UUID()}) evaluated for
     * several rows of one statement.
     */
    public String volatileProblem() {
        if (volatileCalls.isEmpty()) {
            return null;
        }
        if (!isRewritable()) {
            return "its non-deterministic functions cannot be located in the text";
        }
        boolean perRow = volatileCalls.stream().anyMatch(VolatileCall::perRow);
        boolean oneRowEach = insert != null && !insert.fromSelect() && (insert.rows().size() == 1 || !insert.onDuplicateKey());
        return perRow && !oneRowEach ? "it evaluates " + volatileCalls.stream().filter(VolatileCall::perRow)
                .map(VolatileCall::text).findFirst().orElse("") + " once per row, which no single value can repeat" : null;
    }

    /** Why the statement could not be classified, null when it was. */
    public String problem() {
        return problem;
    }

    @Override
    public String toString() {
        return kind + " " + tables + (problem == null ? "" : " (" + problem + ")");
    }
}
