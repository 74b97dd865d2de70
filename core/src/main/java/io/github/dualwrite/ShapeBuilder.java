package io.github.dualwrite;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.assignment.ColumnAssignmentSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.assignment.InsertValuesSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.column.ColumnSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.BetweenExpression;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.BinaryOperationExpression;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.ExistsSubqueryExpression;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.ExpressionSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.FunctionSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.InExpression;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.ListExpression;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.NotExpression;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.simple.LiteralExpressionSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.simple.ParameterMarkerExpressionSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.subquery.SubqueryExpressionSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.expr.subquery.SubquerySegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.item.ExpressionProjectionSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.item.ProjectionSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.dml.item.SubqueryProjectionSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.generic.ParameterMarkerSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.generic.table.DeleteMultiTableSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.generic.table.JoinTableSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.generic.table.SimpleTableSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.generic.table.SubqueryTableSegment;
import org.apache.shardingsphere.sql.parser.statement.core.segment.generic.table.TableSegment;
import org.apache.shardingsphere.sql.parser.statement.core.statement.AbstractSQLStatement;
import org.apache.shardingsphere.sql.parser.statement.core.statement.SQLStatement;
import org.apache.shardingsphere.sql.parser.statement.core.statement.ddl.AlterTableStatement;
import org.apache.shardingsphere.sql.parser.statement.core.statement.ddl.CreateIndexStatement;
import org.apache.shardingsphere.sql.parser.statement.core.statement.ddl.CreateTableStatement;
import org.apache.shardingsphere.sql.parser.statement.core.statement.ddl.DDLStatement;
import org.apache.shardingsphere.sql.parser.statement.core.statement.ddl.DropTableStatement;
import org.apache.shardingsphere.sql.parser.statement.core.statement.ddl.TruncateStatement;
import org.apache.shardingsphere.sql.parser.statement.core.statement.dml.DMLStatement;
import org.apache.shardingsphere.sql.parser.statement.core.statement.dml.DeleteStatement;
import org.apache.shardingsphere.sql.parser.statement.core.statement.dml.InsertStatement;
import org.apache.shardingsphere.sql.parser.statement.core.statement.dml.SelectStatement;
import org.apache.shardingsphere.sql.parser.statement.core.statement.dml.UpdateStatement;
import org.apache.shardingsphere.sql.parser.statement.core.statement.tcl.TCLStatement;

/** Walks one parsed statement into a {@link SqlShape}. Not thread-safe: one instance per statement. */
final class ShapeBuilder {

    private final String sql;
    private final Set<String> tables = new LinkedHashSet<>();
    private final Set<String> cteNames = new LinkedHashSet<>();
    private final Map<String, List<ValueRef>> bindings = new LinkedHashMap<>();
    private final Set<String> untrusted = new LinkedHashSet<>();
    private InsertShape insert;

    private ShapeBuilder(String sql) {
        this.sql = sql;
    }

    static SqlShape build(String sql, SQLStatement statement, boolean replace) {
        ShapeBuilder b = new ShapeBuilder(sql);
        SqlKind kind = b.walk(statement, replace);
        List<String> tableList = new ArrayList<>(b.tables);
        tableList.removeAll(b.cteNames);
        SqlLexer lexer = SqlLexer.scan(sql);
        int parameters = statement.getParameterCount();
        List<Integer> positions = lexer.parameters().size() == parameters ? lexer.parameters() : null;
        return new SqlShape(sql, kind, tableList, b.bindings, b.untrusted, b.insert, parameters, null, positions,
                lexer.calls());
    }

    private SqlKind walk(SQLStatement statement, boolean replace) {
        if (statement instanceof SelectStatement select) {
            select(select, true);
            return select.getLock().isPresent() ? SqlKind.LOCKING_SELECT : SqlKind.SELECT;
        }
        if (statement instanceof InsertStatement insertStatement) {
            insert(insertStatement);
            return replace ? SqlKind.REPLACE : SqlKind.INSERT;
        }
        if (statement instanceof UpdateStatement update) {
            table(update.getTable(), true);
            update.getAssignmentSegment().ifPresent(a -> a.getAssignments().forEach(this::assignment));
            update.getWhere().ifPresent(w -> predicate(w.getExpr(), false, true));
            return SqlKind.UPDATE;
        }
        if (statement instanceof DeleteStatement delete) {
            table(delete.getTable(), true);
            delete.getWhere().ifPresent(w -> predicate(w.getExpr(), false, true));
            return SqlKind.DELETE;
        }
        if (statement instanceof DDLStatement) {
            ddlTables(statement);
            return SqlKind.DDL;
        }
        if (statement instanceof TCLStatement) {
            return SqlKind.TRANSACTION_CONTROL;
        }
        if (statement instanceof DMLStatement) {
            return SqlKind.OTHER_WRITE;
        }
        return SqlKind.OTHER;
    }

    private void ddlTables(SQLStatement statement) {
        if (statement instanceof CreateTableStatement s && s.getTable() != null) {
            addTable(s.getTable());
        } else if (statement instanceof AlterTableStatement s && s.getTable() != null) {
            addTable(s.getTable());
        } else if (statement instanceof DropTableStatement s) {
            s.getTables().forEach(this::addTable);
        } else if (statement instanceof TruncateStatement s) {
            s.getTables().forEach(this::addTable);
        } else if (statement instanceof CreateIndexStatement s && s.getTable() != null) {
            addTable(s.getTable());
        }
    }

    /** Tables and (for the outermost query only) bindings of a SELECT. */
    private void select(SelectStatement s, boolean top) {
        s.getWithSegment().ifPresent(w -> w.getCommonTableExpressions().forEach(cte -> {
            cte.getAliasName().ifPresent(n -> cteNames.add(n.toLowerCase(Locale.ROOT)));
            select(cte.getSubquery().getSelect(), false);
        }));
        s.getCombine().ifPresent(c -> {
            select(c.getLeft().getSelect(), false);
            select(c.getRight().getSelect(), false);
        });
        s.getFrom().ifPresent(f -> table(f, top));
        if (s.getProjections() != null) {
            for (ProjectionSegment p : s.getProjections().getProjections()) {
                if (p instanceof SubqueryProjectionSegment sp) {
                    select(sp.getSubquery().getSelect(), false);
                } else if (p instanceof ExpressionProjectionSegment ep) {
                    subqueries(ep.getExpr());
                }
            }
        }
        s.getWhere().ifPresent(w -> predicate(w.getExpr(), false, top));
        s.getHaving().ifPresent(h -> subqueries(h.getExpr()));
    }

    private void table(TableSegment t, boolean top) {
        if (t instanceof SimpleTableSegment simple) {
            addTable(simple);
        } else if (t instanceof JoinTableSegment join) {
            table(join.getLeft(), top);
            table(join.getRight(), top);
            if (join.getCondition() != null) {
                predicate(join.getCondition(), false, top);
            }
        } else if (t instanceof SubqueryTableSegment sub) {
            select(sub.getSubquery().getSelect(), false);
        } else if (t instanceof DeleteMultiTableSegment multi) {
            // the names after DELETE are usually aliases; the relation holds the real tables
            table(multi.getRelationTable(), top);
        }
    }

    private void addTable(SimpleTableSegment t) {
        tables.add(t.getTableName().getIdentifier().getValue().toLowerCase(Locale.ROOT));
    }

    private void insert(InsertStatement s) {
        s.getTable().ifPresent(this::addTable);
        s.getInsertSelect().ifPresent(sub -> select(sub.getSelect(), false));
        List<String> columns = new ArrayList<>();
        s.getInsertColumns().ifPresent(c -> c.getColumns().forEach(col -> columns.add(name(col))));
        int columnListStart = columns.isEmpty() ? -1 : s.getInsertColumns().get().getStartIndex();
        List<List<ValueRef>> rows = new ArrayList<>();
        List<Integer> rowStarts = new ArrayList<>();
        for (InsertValuesSegment row : s.getValues()) {
            List<ValueRef> values = new ArrayList<>();
            row.getValues().forEach(v -> values.add(value(v)));
            rows.add(values);
            rowStarts.add(row.getStartIndex());
        }
        if (s.getSetAssignment().isPresent()) {
            // INSERT ... SET a = ?, b = ?: one row, no column list to extend
            List<ValueRef> values = new ArrayList<>();
            for (ColumnAssignmentSegment a : s.getSetAssignment().get().getAssignments()) {
                a.getColumns().forEach(c -> columns.add(name(c)));
                values.add(value(a.getValue()));
            }
            rows.add(values);
        }
        for (List<ValueRef> row : rows) {
            for (int i = 0; i < Math.min(row.size(), columns.size()); i++) {
                bind(columns.get(i), row.get(i));
            }
        }
        s.getOnDuplicateKeyColumns().ifPresent(d -> d.getColumns().forEach(this::assignment));
        insert = new InsertShape(columns, columnListStart, rows, rowStarts, parameterPositions(s),
                s.getInsertSelect().isPresent(), s.getOnDuplicateKeyColumns().isPresent());
    }

    /** A SET assignment: its value may hide a subquery; a column assigned is never a trusted binding. */
    private void assignment(ColumnAssignmentSegment a) {
        a.getColumns().forEach(c -> untrusted.add(name(c)));
        subqueries(a.getValue());
    }

    /**
     * Records equality bindings of a condition. {@code trusted} is false below OR/NOT; {@code top} is false
     * inside subqueries, whose bindings describe other rows.
     */
    private void predicate(ExpressionSegment e, boolean untrustedContext, boolean top) {
        if (e instanceof BinaryOperationExpression b) {
            String op = b.getOperator().toUpperCase(Locale.ROOT);
            if (op.equals("AND") || op.equals("&&")) {
                predicate(b.getLeft(), untrustedContext, top);
                predicate(b.getRight(), untrustedContext, top);
                return;
            }
            if (op.equals("OR") || op.equals("||") || op.equals("XOR")) {
                predicate(b.getLeft(), true, top);
                predicate(b.getRight(), true, top);
                return;
            }
            boolean equality = op.equals("=") || op.equals("<=>");
            ExpressionSegment left = b.getLeft();
            ExpressionSegment right = b.getRight();
            if (left instanceof ColumnSegment column && isValue(right)) {
                comparison(column, right, equality && !untrustedContext, top);
            } else if (right instanceof ColumnSegment column && isValue(left)) {
                comparison(column, left, equality && !untrustedContext, top);
            } else {
                // e.g. "NOT user_id = ?" parses as (NOT user_id) = ?: never trusted
                markColumns(left);
                markColumns(right);
            }
            subqueries(left);
            subqueries(right);
            return;
        }
        if (e instanceof InExpression in) {
            if (in.getLeft() instanceof ColumnSegment column && in.getRight() instanceof ListExpression list) {
                boolean single = list.getItems().size() == 1 && isValue(list.getItems().iterator().next());
                if (single) {
                    comparison(column, list.getItems().iterator().next(), !in.isNot() && !untrustedContext, top);
                } else {
                    untrusted.add(name(column));
                }
            } else {
                markColumns(in.getLeft());
            }
            subqueries(in.getRight());
            return;
        }
        if (e instanceof NotExpression not) {
            predicate(not.getExpression(), true, top);
            return;
        }
        if (e instanceof BetweenExpression between) {
            markColumns(between.getLeft());
            return;
        }
        subqueries(e);
    }

    private void comparison(ColumnSegment column, ExpressionSegment value, boolean trusted, boolean top) {
        if (trusted && top) {
            bind(name(column), value(value));
        } else {
            untrusted.add(name(column));
        }
    }

    private void bind(String column, ValueRef value) {
        bindings.computeIfAbsent(column, c -> new ArrayList<>()).add(value);
    }

    private void markColumns(ExpressionSegment e) {
        if (e instanceof ColumnSegment c) {
            untrusted.add(name(c));
        } else if (e instanceof NotExpression n) {
            markColumns(n.getExpression());
        }
    }

    /** Finds the tables of subqueries nested anywhere in an expression. */
    private void subqueries(ExpressionSegment e) {
        if (e instanceof SubqueryExpressionSegment sub) {
            select(sub.getSubquery().getSelect(), false);
        } else if (e instanceof ExistsSubqueryExpression exists) {
            select(exists.getSubquery().getSelect(), false);
        } else if (e instanceof SubquerySegment sub) {
            select(sub.getSelect(), false);
        } else if (e instanceof BinaryOperationExpression b) {
            subqueries(b.getLeft());
            subqueries(b.getRight());
        } else if (e instanceof InExpression in) {
            subqueries(in.getLeft());
            subqueries(in.getRight());
        } else if (e instanceof NotExpression n) {
            subqueries(n.getExpression());
        } else if (e instanceof ListExpression l) {
            l.getItems().forEach(this::subqueries);
        } else if (e instanceof FunctionSegment f) {
            f.getParameters().forEach(this::subqueries);
        } else if (e instanceof BetweenExpression b) {
            subqueries(b.getBetweenExpr());
            subqueries(b.getAndExpr());
        }
    }

    private static boolean isValue(ExpressionSegment e) {
        return e instanceof ParameterMarkerExpressionSegment || e instanceof LiteralExpressionSegment;
    }

    private static ValueRef value(ExpressionSegment e) {
        if (e instanceof ParameterMarkerExpressionSegment p) {
            return ValueRef.parameter(p.getParameterMarkerIndex());
        }
        if (e instanceof LiteralExpressionSegment l) {
            return ValueRef.literal(l.getLiterals());
        }
        return ValueRef.expression(e.getText());
    }

    private static String name(ColumnSegment c) {
        return c.getIdentifier().getValue().toLowerCase(Locale.ROOT);
    }

    private List<Integer> parameterPositions(SQLStatement s) {
        List<Integer> positions = new ArrayList<>();
        if (s instanceof AbstractSQLStatement a) {
            List<ParameterMarkerSegment> markers = new ArrayList<>(a.getParameterMarkerSegments());
            markers.sort(Comparator.comparingInt(ParameterMarkerSegment::getParameterIndex));
            for (ParameterMarkerSegment m : markers) {
                positions.add(m.getStartIndex());
            }
        }
        return positions;
    }
}
