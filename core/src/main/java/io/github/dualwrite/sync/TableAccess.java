package io.github.dualwrite.sync;

import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.TableConfig;
import io.github.dualwrite.config.UnitConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import javax.sql.DataSource;

/**
 * One migrated table as the sync tools see it: the columns both sides share (old names, and the new
 * side's names where the new schema renamed a column), the primary key, the routing and version columns,
 * and the SQL to read and write it on either side. Discovered once from both sides' metadata.
 */
final class TableAccess {

    final String unit;
    final String table;
    final String routingColumn;
    final List<String> primaryKey;
    /** Compared and copied columns, old names; the primary key first. */
    final List<String> oldColumns;
    /** The same columns, new names. */
    final List<String> newColumns;
    /** Index of the version column in the column lists, -1 without one. */
    final int versionIndex;
    /** Index of the routing column in the column lists. */
    final int routingIndex;
    /** The table and the columns as they go into SQL on each side: checked and quoted for its dialect. */
    private final String oldTableSql;
    private final String newTableSql;
    private final List<String> oldSql;
    private final List<String> newSql;

    private TableAccess(String unit, String table, String routingColumn, List<String> primaryKey,
                        List<String> oldColumns, List<String> newColumns, int versionIndex, int routingIndex,
                        String oldTableSql, String newTableSql, List<String> oldSql, List<String> newSql) {
        this.oldTableSql = oldTableSql;
        this.newTableSql = newTableSql;
        this.oldSql = oldSql;
        this.newSql = newSql;
        this.unit = unit;
        this.table = table;
        this.routingColumn = routingColumn;
        this.primaryKey = primaryKey;
        this.oldColumns = oldColumns;
        this.newColumns = newColumns;
        this.versionIndex = versionIndex;
        this.routingIndex = routingIndex;
    }

    /** Reads both sides' columns and keeps the ones they share (through the table's column map). */
    static TableAccess discover(UnitConfig unit, TableConfig config, DataSource oldDs, DataSource newDs)
            throws SQLException {
        Dialect oldDialect = Dialect.of(oldDs);
        Dialect newDialect = Dialect.of(newDs);
        String what = "table " + config.name() + " of unit " + unit.name();
        String oldTable = oldDialect.quote(oldDialect.stored(config.name()), what);
        String newTable = newDialect.quote(newDialect.stored(config.name()), what);
        // lower-case name -> the name exactly as the database reports it (quoted names are case-sensitive)
        Map<String, String> oldExact = columnNames(oldDs, oldTable);
        Map<String, String> newExact = columnNames(newDs, newTable);
        List<String> oldNames = new ArrayList<>(oldExact.keySet());
        Set<String> newNames = new LinkedHashSet<>(newExact.keySet());
        List<String> pk = new ArrayList<>();
        for (String c : config.primaryKey()) {
            pk.add(c.toLowerCase(Locale.ROOT));
        }
        List<String> oldCols = new ArrayList<>(pk);
        for (String c : oldNames) {
            if (!oldCols.contains(c) && newNames.contains(config.newColumn(c))) {
                oldCols.add(c);
            }
        }
        String routing = unit.routingColumn().toLowerCase(Locale.ROOT);
        if (!oldCols.contains(routing)) {
            throw new SQLException("table " + config.name() + " of unit " + unit.name() + " has no column " + routing
                    + " on both sides (old: " + oldNames + ", new: " + newNames + ")");
        }
        for (String c : pk) {
            if (!oldNames.contains(c) || !newNames.contains(c)) {
                throw new SQLException("primary-key column " + c + " of table " + config.name() + " is missing on "
                        + (oldNames.contains(c) ? "the new" : "the old") + " side");
            }
        }
        List<String> newCols = new ArrayList<>();
        oldCols.forEach(c -> newCols.add(config.newColumn(c)));
        List<String> oldSql = new ArrayList<>();
        List<String> newSql = new ArrayList<>();
        for (int i = 0; i < oldCols.size(); i++) {
            oldSql.add(oldDialect.quote(oldExact.get(oldCols.get(i)), "a column of " + what + " on the old side"));
            newSql.add(newDialect.quote(newExact.get(newCols.get(i)), "a column of " + what + " on the new side"));
        }
        int version = config.hasVersionColumn() ? oldCols.indexOf(config.versionColumn().toLowerCase(Locale.ROOT)) : -1;
        return new TableAccess(unit.name(), config.name(), routing, List.copyOf(pk), List.copyOf(oldCols),
                List.copyOf(newCols), version, oldCols.indexOf(routing), oldTable, newTable, List.copyOf(oldSql),
                List.copyOf(newSql));
    }

    private static Map<String, String> columnNames(DataSource ds, String quotedTable) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM " + quotedTable + " WHERE 1 = 0")) {
            ResultSetMetaData md = rs.getMetaData();
            Map<String, String> out = new LinkedHashMap<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                out.put(md.getColumnLabel(i).toLowerCase(Locale.ROOT), md.getColumnLabel(i));
            }
            return out;
        }
    }

    /** The table as it goes into SQL on {@code side}. */
    String tableSql(Side side) {
        return side == Side.OLD ? oldTableSql : newTableSql;
    }

    /** The compared columns as they go into SQL on {@code side}, in the order of {@link #columns}. */
    List<String> sql(Side side) {
        return side == Side.OLD ? oldSql : newSql;
    }

    /** The single key column as it goes into SQL on {@code side}. */
    String pkSql(Side side) throws SQLException {
        singlePk();
        return sql(side).get(0);
    }

    private String routingSql(Side side) {
        return sql(side).get(routingIndex);
    }

    List<String> columns(Side side) {
        return side == Side.OLD ? oldColumns : newColumns;
    }

    int width() {
        return oldColumns.size();
    }

    String singlePk() throws SQLException {
        if (primaryKey.size() != 1) {
            throw new SQLException("table " + table + " has the composite primary key " + primaryKey + "; scanning by"
                    + " key ranges needs a single-column key: verify it by routing key or version window instead");
        }
        return primaryKey.get(0);
    }

    /** {@code SELECT <columns> FROM <table>} on {@code side}. */
    String select(Side side) {
        return "SELECT " + String.join(", ", sql(side)) + " FROM " + tableSql(side);
    }

    private String pkCondition(Side side) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < primaryKey.size(); i++) {
            sb.append(i == 0 ? "" : " AND ").append(sql(side).get(i)).append(" = ?");
        }
        return sb.toString();
    }

    String byRoutingKey(Side side, boolean lock) {
        return select(side) + " WHERE " + routingSql(side) + " = ?"
                + " ORDER BY " + String.join(", ", sql(side).subList(0, primaryKey.size())) + (lock ? " FOR UPDATE" : "");
    }

    /** Some rows of one user, by single-column key: {@code routing = ? AND pk IN (?, ...)}, locked. */
    String byRoutingKeyAndKeys(Side side, int keys) {
        String pk = sql(side).get(0);
        return select(side) + " WHERE " + routingSql(side) + " = ? AND " + pk + " IN ("
                + "?, ".repeat(keys - 1) + "?) ORDER BY " + pk + " FOR UPDATE";
    }

    String byPrimaryKey(Side side) {
        return select(side) + " WHERE " + pkCondition(side);
    }

    /** By primary key and routing key: on the new side only the shard the router picks is read. */
    String byPrimaryAndRoutingKey(Side side) {
        return byPrimaryKey(side) + " AND " + routingSql(side) + " = ?";
    }

    /** Rows with {@code lo < pk <= hi}, in key order. */
    String range(Side side) throws SQLException {
        String pk = pkSql(side);
        return select(side) + " WHERE " + pk + " > ? AND " + pk + " <= ? ORDER BY " + pk;
    }

    /** The first {@code limit} rows in key order. */
    String head(Side side, int limit) throws SQLException {
        String pk = pkSql(side);
        return select(side) + " ORDER BY " + pk + " LIMIT " + limit;
    }

    /** Rows with {@code pk <= hi}, in key order. */
    String upTo(Side side) throws SQLException {
        String pk = pkSql(side);
        return select(side) + " WHERE " + pk + " <= ? ORDER BY " + pk;
    }

    /** Smallest and largest key on a side. */
    String bounds(Side side) throws SQLException {
        String pk = pkSql(side);
        // aliased: ShardingSphere cannot merge an unnamed aggregate of a quoted column across shards
        return "SELECT MIN(" + pk + ") AS lowest, MAX(" + pk + ") AS highest FROM " + tableSql(side);
    }

    /** {@code SELECT COUNT(*)} of the table on a side. */
    String count(Side side) {
        return "SELECT COUNT(*) FROM " + tableSql(side);
    }

    /** The next {@code limit} rows after a key, in key order ({@code LIMIT} works on H2, MySQL and PostgreSQL). */
    String after(Side side, int limit) throws SQLException {
        String pk = pkSql(side);
        return select(side) + " WHERE " + pk + " > ? ORDER BY " + pk + " LIMIT " + limit;
    }

    /** Rows whose version column is at or after a time, in key order, after a key when {@code afterKey}. */
    String changedSince(Side side, int limit, boolean afterKey) throws SQLException {
        String pk = pkSql(side);
        String version = sql(side).get(versionIndex);
        return select(side) + " WHERE " + version + " >= ?" + (afterKey ? " AND " + pk + " > ?" : "")
                + " ORDER BY " + pk + " LIMIT " + limit;
    }

    String insert(Side side) {
        List<String> cols = sql(side);
        return "INSERT INTO " + tableSql(side) + " (" + String.join(", ", cols) + ") VALUES ("
                + "?, ".repeat(cols.size() - 1) + "?)";
    }

    /** Multi-row INSERT of {@code rows} rows (ShardingSphere splits it by shard). */
    String insertRows(Side side, int rows) {
        List<String> cols = sql(side);
        String row = "(" + "?, ".repeat(cols.size() - 1) + "?)";
        StringBuilder sb = new StringBuilder("INSERT INTO ").append(tableSql(side)).append(" (")
                .append(String.join(", ", cols)).append(") VALUES ");
        for (int i = 0; i < rows; i++) {
            sb.append(i == 0 ? "" : ", ").append(row);
        }
        return sb.toString();
    }

    /** UPDATE of every non-key column, by key and routing column (so ShardingSphere routes it to one shard). */
    String update(Side side, boolean onlyIfOlder) {
        List<String> cols = sql(side);
        StringBuilder sb = new StringBuilder("UPDATE ").append(tableSql(side)).append(" SET ");
        boolean first = true;
        for (int i = primaryKey.size(); i < cols.size(); i++) {
            if (i == routingIndex) {
                continue;
            }
            sb.append(first ? "" : ", ").append(cols.get(i)).append(" = ?");
            first = false;
        }
        sb.append(" WHERE ").append(pkCondition(side)).append(" AND ").append(cols.get(routingIndex)).append(" = ?");
        if (onlyIfOlder && versionIndex >= 0) {
            String v = cols.get(versionIndex);
            sb.append(" AND (").append(v).append(" IS NULL OR ").append(v).append(" < ?)");
        }
        return sb.toString();
    }

    /** Binds {@link #update} for a row: the non-key values, the key, the routing value (and the version). */
    void bindUpdate(PreparedStatement ps, Object[] row, boolean onlyIfOlder) throws SQLException {
        int p = 1;
        for (int i = primaryKey.size(); i < row.length; i++) {
            if (i != routingIndex) {
                ps.setObject(p++, Values.bindable(row[i]));
            }
        }
        for (int i = 0; i < primaryKey.size(); i++) {
            ps.setObject(p++, row[i]);
        }
        ps.setObject(p++, row[routingIndex]);
        if (onlyIfOlder && versionIndex >= 0) {
            ps.setObject(p, row[versionIndex]);
        }
    }

    String delete(Side side) {
        return "DELETE FROM " + tableSql(side) + " WHERE " + pkCondition(side) + " AND " + routingSql(side) + " = ?";
    }

    /** DELETE by key alone: ShardingSphere runs it on every shard, so it also removes copies in wrong shards. */
    String deleteEverywhere() {
        return "DELETE FROM " + tableSql(Side.NEW) + " WHERE " + pkCondition(Side.NEW);
    }

    void bindRow(PreparedStatement ps, Object[] row, int offset) throws SQLException {
        for (int i = 0; i < row.length; i++) {
            ps.setObject(offset + i + 1, Values.bindable(row[i]));
        }
    }

    void bindKeyAndRouting(PreparedStatement ps, Object[] row) throws SQLException {
        int p = 1;
        for (int i = 0; i < primaryKey.size(); i++) {
            ps.setObject(p++, row[i]);
        }
        ps.setObject(p, row[routingIndex]);
    }

    Object[] read(ResultSet rs) throws SQLException {
        Object[] row = new Object[width()];
        for (int i = 0; i < row.length; i++) {
            row[i] = rs.getObject(i + 1);
        }
        return row;
    }

    /** The primary key of a row, comparable across drivers. */
    Key key(Object[] row) {
        Object[] k = new Object[primaryKey.size()];
        for (int i = 0; i < k.length; i++) {
            k[i] = Values.key(row[i]);
        }
        return new Key(k);
    }

    /** Columns (old names) whose values differ; empty when the rows are equal. */
    List<String> differences(Object[] a, Object[] b) {
        List<String> out = new ArrayList<>(0);
        for (int i = 0; i < a.length; i++) {
            if (!Values.same(a[i], b[i])) {
                out.add(oldColumns.get(i));
            }
        }
        return out;
    }

    /** A primary-key value with equality across drivers (values made comparable by {@link Values#key}). */
    record Key(Object[] values) implements Comparable<Key> {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key other && java.util.Arrays.equals(values, other.values);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(values);
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public int compareTo(Key o) {
            for (int i = 0; i < values.length; i++) {
                int c = ((Comparable) values[i]).compareTo(o.values[i]);
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        }

        @Override
        public String toString() {
            if (values.length == 1) {
                return Values.keyText(values[0]);
            }
            StringJoiner out = new StringJoiner(", ", "[", "]");
            for (Object v : values) {
                out.add(Values.keyText(v));
            }
            return out.toString();
        }
    }
}
