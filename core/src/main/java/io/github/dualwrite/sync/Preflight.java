package io.github.dualwrite.sync;

import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.config.TableConfig;
import io.github.dualwrite.config.UnitConfig;
import io.github.dualwrite.ids.SegmentSequence;
import io.github.dualwrite.sync.Preflight.Report.Check;
import io.github.dualwrite.sync.Preflight.Report.Status;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import javax.sql.DataSource;

/**
 * Checks, before DUAL_WRITE, that the migration can work: every unit table exists on both sides with
 * compatible columns and its primary key; the routing column is the new side's sharding column; no
 * ShardingSphere key generator is configured on a migrated table; and each table's id source can go on:
 * a SEQUENCE above the highest id on either side, or shard AUTO_INCREMENTs above the old side's largest id
 * plus a margin (seed 004's "raise the sequence"). Every failure says what to change.
 */
public final class Preflight {

    private final DataSource oldDataSource;
    private final DataSource newDataSource;
    private final MigrationConfig config;
    private final ShardingRules rules;
    private final Map<String, DataSource> shards;
    private final long idMargin;
    private final SegmentSequence sequence;

    private Preflight(Builder b) {
        this.oldDataSource = b.oldDataSource;
        this.newDataSource = b.newDataSource;
        this.config = b.config;
        this.rules = b.shardingYaml == null ? null : ShardingRules.parse(b.shardingYaml);
        this.shards = b.shards;
        this.idMargin = b.idMargin;
        this.sequence = b.sequence;
    }

    /** Configures a preflight of {@code config} over the two sides. */
    public static Builder builder(DataSource oldDataSource, DataSource newDataSource, MigrationConfig config) {
        return new Builder(oldDataSource, newDataSource, config);
    }

    /** Runs every check of every unit (or of {@code unit} only when not null). */
    public Report run(String unit) {
        List<Check> checks = new ArrayList<>();
        for (UnitConfig u : config.units().values()) {
            if (unit != null && !unit.equals(u.name())) {
                continue;
            }
            for (TableConfig t : u.tables().values()) {
                checkTable(u, t, checks);
            }
        }
        if (checks.isEmpty()) {
            checks.add(new Check(unit == null ? "-" : unit, "-", "units", Status.FAIL,
                    unit == null ? "the document has no units" : "no unit '" + unit + "'; units: " + config.units().keySet()));
        }
        return new Report(checks);
    }

    private void checkTable(UnitConfig unit, TableConfig table, List<Check> checks) {
        String u = unit.name();
        String t = table.name();
        Map<String, Integer> oldColumns;
        Map<String, Integer> newColumns;
        try {
            oldColumns = columns(oldDataSource, t);
        } catch (SQLException e) {
            checks.add(new Check(u, t, "exists on old", Status.FAIL, "cannot read it: " + e.getMessage()
                    + "; create the table on the old database or fix the unit's table name"));
            return;
        }
        try {
            newColumns = columns(newDataSource, t);
        } catch (SQLException e) {
            checks.add(new Check(u, t, "exists on new", Status.FAIL, "cannot read it through ShardingSphere: "
                    + e.getMessage() + "; create its shard tables and a sharding rule for it"));
            return;
        }
        checks.add(new Check(u, t, "exists", Status.OK, "on both sides"));
        checkColumns(u, table, oldColumns, newColumns, checks);
        checkPrimaryKey(u, table, oldColumns, newColumns, checks);
        checkSharding(unit, table, checks);
        checkIds(u, table, checks);
    }

    private void checkColumns(String u, TableConfig table, Map<String, Integer> oldColumns,
                              Map<String, Integer> newColumns, List<Check> checks) {
        List<String> missing = new ArrayList<>();
        List<String> incompatible = new ArrayList<>();
        oldColumns.forEach((column, type) -> {
            String mapped = table.newColumn(column);
            Integer newType = newColumns.get(mapped);
            if (newType == null) {
                missing.add(column + (mapped.equals(column) ? "" : " (as " + mapped + ")"));
            } else if (!compatible(type, newType)) {
                incompatible.add(column + " (" + typeName(type) + " vs " + typeName(newType) + ")");
            }
        });
        if (!missing.isEmpty()) {
            checks.add(new Check(u, table.name(), "columns", Status.FAIL, "the new side lacks " + missing
                    + "; add them to every shard table, or map renamed ones with units." + u + ".tables."
                    + table.name() + ".column-map"));
        } else if (!incompatible.isEmpty()) {
            checks.add(new Check(u, table.name(), "columns", Status.FAIL, "types differ: " + incompatible
                    + "; make the new columns hold the same kind of values"));
        } else {
            checks.add(new Check(u, table.name(), "columns", Status.OK, oldColumns.size() + " columns, all on the new side"));
        }
    }

    private void checkPrimaryKey(String u, TableConfig table, Map<String, Integer> oldColumns,
                                 Map<String, Integer> newColumns, List<Check> checks) {
        List<String> declared = new ArrayList<>();
        try (Connection c = oldDataSource.getConnection()) {
            DatabaseMetaData md = c.getMetaData();
            for (String name : List.of(table.name(), table.name().toUpperCase(Locale.ROOT))) {
                try (ResultSet rs = md.getPrimaryKeys(c.getCatalog(), null, name)) {
                    while (rs.next()) {
                        declared.add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
                    }
                }
                if (!declared.isEmpty()) {
                    break;
                }
            }
        } catch (SQLException e) {
            declared.clear();
        }
        List<String> configured = table.primaryKey().stream().map(c -> c.toLowerCase(Locale.ROOT)).toList();
        if (!configured.stream().allMatch(c -> oldColumns.containsKey(c) && newColumns.containsKey(c))) {
            checks.add(new Check(u, table.name(), "primary key", Status.FAIL, "the configured key " + configured
                    + " is not on both sides; set units." + u + ".tables." + table.name() + ".primary-key"));
        } else if (!declared.isEmpty() && !declared.containsAll(configured)) {
            checks.add(new Check(u, table.name(), "primary key", Status.FAIL, "the old side's primary key is " + declared
                    + " but the unit says " + configured + "; set units." + u + ".tables." + table.name() + ".primary-key"));
        } else {
            checks.add(new Check(u, table.name(), "primary key", Status.OK, configured.toString()));
        }
    }

    private void checkSharding(UnitConfig unit, TableConfig table, List<Check> checks) {
        String u = unit.name();
        // the new side's name: the table's column map may rename the routing column
        String routing = table.newColumn(unit.routingColumn()).toLowerCase(Locale.ROOT);
        if (rules == null) {
            checks.add(new Check(u, table.name(), "sharding column", Status.SKIPPED,
                    "give the ShardingSphere YAML to check that " + routing + " is the sharding column"));
            checks.add(new Check(u, table.name(), "key generator", Status.SKIPPED,
                    "give the ShardingSphere YAML to check that no key generator is configured"));
            return;
        }
        Optional<Map<String, Object>> rule = rules.table(table.name());
        if (rule.isEmpty()) {
            checks.add(new Check(u, table.name(), "sharding column", Status.FAIL, "the ShardingSphere YAML has no sharding"
                    + " rule for " + table.name() + "; add it under rules: - !SHARDING tables:"));
            return;
        }
        List<String> columns = rules.shardingColumns(rule.get());
        if (columns.isEmpty() || !columns.stream().allMatch(routing::equals)) {
            checks.add(new Check(u, table.name(), "sharding column", Status.FAIL, "sharded by " + columns + ", routed by "
                    + routing + ": shard by " + routing + " (database and table strategies), or change the unit's routing-column"));
        } else {
            checks.add(new Check(u, table.name(), "sharding column", Status.OK, "sharded by " + routing));
        }
        if (rules.hasKeyGenerator(rule.get())) {
            checks.add(new Check(u, table.name(), "key generator", Status.FAIL, "ShardingSphere generates keys for "
                    + table.name() + ", so the two sides would disagree on ids; remove keyGenerateStrategy (and"
                    + " defaultKeyGenerateStrategy): the old side stays the id authority until NEW_ONLY"));
        } else {
            checks.add(new Check(u, table.name(), "key generator", Status.OK, "none: ids come from the old side"));
        }
    }

    /** The new side's id source must start above the old side's largest id plus the margin. */
    private void checkIds(String u, TableConfig table, List<Check> checks) {
        if (table.primaryKey().size() != 1) {
            checks.add(new Check(u, table.name(), "id sequence", Status.SKIPPED, "composite key: no sequence to check"));
            return;
        }
        switch (table.idSource()) {
            case SEQUENCE -> checkSequence(u, table, checks);
            case GENERATOR -> checks.add(new Check(u, table.name(), "id sequence", Status.SKIPPED, "ids come from your"
                    + " IdGenerator: it must never return an id either side already holds"));
            case APPLICATION -> checks.add(new Check(u, table.name(), "id sequence", Status.OK, "the application gives every id"));
            default -> checkShardSequences(u, table, checks);
        }
    }

    /** A SEQUENCE table: the sequence, once it exists, must be above the highest id on either side. */
    private void checkSequence(String u, TableConfig table, List<Check> checks) {
        String t = table.name();
        if (sequence == null) {
            checks.add(new Check(u, t, "id sequence", Status.WARN, "id-source SEQUENCE: give preflight the sequence"
                    + " (builder().sequence(...), or datasources.sequence to the CLI) to check where it stands"));
            return;
        }
        try {
            String pk = table.primaryKey().get(0);
            long highest = Math.max(max(oldDataSource, "SELECT MAX(" + Dialect.quoted(oldDataSource, pk) + ") AS highest FROM "
                            + Dialect.quoted(oldDataSource, t)),
                    max(newDataSource, "SELECT MAX(" + Dialect.quoted(newDataSource, pk) + ") AS highest FROM "
                            + Dialect.quoted(newDataSource, t)));
            OptionalLong next = sequence.peek(t.toLowerCase(Locale.ROOT));
            if (next.isEmpty()) {
                checks.add(new Check(u, t, "id sequence", Status.OK, "sequence '" + t.toLowerCase(Locale.ROOT)
                        + "' is made at the first INSERT without id, above the highest id on either side (" + highest + ")"));
            } else if (next.getAsLong() <= highest) {
                checks.add(new Check(u, t, "id sequence", Status.FAIL, "sequence '" + t.toLowerCase(Locale.ROOT)
                        + "' would hand out " + next.getAsLong() + ", but ids up to " + highest + " exist; raise it: UPDATE "
                        + sequence.table() + " SET next_value = " + (highest + idMargin + 1) + " WHERE name = '"
                        + t.toLowerCase(Locale.ROOT) + "'"));
            } else {
                checks.add(new Check(u, t, "id sequence", Status.OK, "sequence at " + next.getAsLong() + ", above the"
                        + " highest id on either side (" + highest + ")"));
            }
        } catch (SQLException | RuntimeException e) {
            checks.add(new Check(u, t, "id sequence", Status.FAIL, "cannot read the sequence or the highest ids: "
                    + e.getMessage()));
        }
    }

    /** An OLD (or unset) table: shard AUTO_INCREMENTs, where the new side makes ids itself, start above the old side's. */
    private void checkShardSequences(String u, TableConfig table, List<Check> checks) {
        String pk = table.primaryKey().get(0);
        long oldMax;
        try {
            oldMax = max(oldDataSource, "SELECT MAX(" + Dialect.quoted(oldDataSource, pk) + ") AS highest FROM "
                    + Dialect.quoted(oldDataSource, table.name()));
        } catch (SQLException e) {
            checks.add(new Check(u, table.name(), "id sequence", Status.SKIPPED, "cannot read the old side's largest id: " + e.getMessage()));
            return;
        }
        long needed = oldMax + idMargin;
        Map<String, Long> next = new LinkedHashMap<>();
        for (Map.Entry<String, DataSource> shard : shards.entrySet()) {
            try (Connection c = shard.getValue().getConnection()) {
                String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
                if (!product.contains("mysql") && !product.contains("mariadb")) {
                    checks.add(new Check(u, table.name(), "id sequence", Status.SKIPPED, "shard " + shard.getKey() + " is "
                            + product + "; the sequence check reads MySQL/MariaDB's information_schema"));
                    return;
                }
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                        "SELECT TABLE_NAME, AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()")) {
                    while (rs.next()) {
                        String physical = rs.getString(1).toLowerCase(Locale.ROOT);
                        if (isShardOf(physical, table.name().toLowerCase(Locale.ROOT))) {
                            long v = rs.getLong(2);
                            next.put(shard.getKey() + "." + physical, rs.wasNull() ? null : Long.valueOf(v));
                        }
                    }
                }
            } catch (SQLException e) {
                checks.add(new Check(u, table.name(), "id sequence", Status.SKIPPED, "cannot read shard " + shard.getKey()
                        + ": " + e.getMessage()));
                return;
            }
        }
        if (shards.isEmpty()) {
            checks.add(new Check(u, table.name(), "id sequence", Status.SKIPPED, "give the shards' DataSources (or the"
                    + " ShardingSphere YAML to the CLI) to check the new side's id sequence; it must start above " + needed));
            return;
        }
        List<String> low = new ArrayList<>();
        boolean anyGenerator = false;
        for (Map.Entry<String, Long> e : next.entrySet()) {
            if (e.getValue() != null) {
                anyGenerator = true;
                if (e.getValue() <= needed) {
                    low.add(e.getKey() + " starts at " + e.getValue());
                }
            }
        }
        if (!low.isEmpty()) {
            checks.add(new Check(u, table.name(), "id sequence", Status.FAIL, String.join(", ", low) + ", at or below the old"
                    + " side's largest id " + oldMax + " plus the margin " + idMargin + "; raise it: ALTER TABLE <shard table>"
                    + " AUTO_INCREMENT = " + (needed + 1)));
        } else if (!anyGenerator) {
            checks.add(new Check(u, table.name(), "id sequence", Status.WARN, "ids come from the old side's AUTO_INCREMENT"
                    + " (id-source OLD), which ends at READ_NEW; before NEW_PRIMARY set id-source: SEQUENCE (or GENERATOR,"
                    + " or APPLICATION when every INSERT gives its id)"));
        } else {
            checks.add(new Check(u, table.name(), "id sequence", Status.OK, "every shard starts above " + needed));
        }
    }

    private static boolean isShardOf(String physical, String logical) {
        if (physical.equals(logical)) {
            return true;
        }
        if (!physical.startsWith(logical + "_")) {
            return false;
        }
        String suffix = physical.substring(logical.length() + 1);
        return !suffix.isEmpty() && suffix.chars().allMatch(Character::isDigit);
    }

    private static Map<String, Integer> columns(DataSource ds, String table) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM " + Dialect.quoted(ds, table) + " WHERE 1 = 0")) {
            ResultSetMetaData md = rs.getMetaData();
            Map<String, Integer> out = new LinkedHashMap<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                out.put(md.getColumnLabel(i).toLowerCase(Locale.ROOT), md.getColumnType(i));
            }
            return out;
        }
    }

    private static long max(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Types that hold the same kind of values (numbers, text, times, bytes) are compatible. */
    private static boolean compatible(int a, int b) {
        return family(a) == family(b);
    }

    private static int family(int type) {
        return switch (type) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT, Types.DECIMAL, Types.NUMERIC, Types.REAL,
                 Types.FLOAT, Types.DOUBLE, Types.BIT, Types.BOOLEAN -> 1;
            case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR,
                 Types.CLOB, Types.NCLOB -> 2;
            case Types.DATE, Types.TIME, Types.TIMESTAMP, Types.TIME_WITH_TIMEZONE, Types.TIMESTAMP_WITH_TIMEZONE -> 3;
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> 4;
            default -> 100 + type;
        };
    }

    private static String typeName(int type) {
        try {
            return java.sql.JDBCType.valueOf(type).getName();
        } catch (IllegalArgumentException e) {
            return "type " + type;
        }
    }

    /** Options of a {@link Preflight}. */
    public static final class Builder {
        private final DataSource oldDataSource;
        private final DataSource newDataSource;
        private final MigrationConfig config;
        private String shardingYaml;
        private Map<String, DataSource> shards = Map.of();
        private long idMargin = 100_000;
        private SegmentSequence sequence;

        private Builder(DataSource oldDataSource, DataSource newDataSource, MigrationConfig config) {
            this.oldDataSource = Objects.requireNonNull(oldDataSource, "oldDataSource");
            this.newDataSource = Objects.requireNonNull(newDataSource, "newDataSource");
            this.config = Objects.requireNonNull(config, "config");
        }

        /** The new side's ShardingSphere YAML, to check sharding columns and key generators. */
        public Builder shardingYaml(String value) {
            this.shardingYaml = value;
            return this;
        }

        /** The new side's physical databases by name, to check id sequences (MySQL/MariaDB). */
        public Builder shards(Map<String, DataSource> value) {
            this.shards = Map.copyOf(Objects.requireNonNull(value, "shards"));
            return this;
        }

        /** The sequence of tables with {@code id-source: SEQUENCE}, to check it is above both sides' highest id. */
        public Builder sequence(SegmentSequence value) {
            this.sequence = Objects.requireNonNull(value, "sequence");
            return this;
        }

        /** Ids the old side may still hand out before the cutover; default 100000. */
        public Builder idMargin(long value) {
            if (value < 0) {
                throw new IllegalArgumentException("Preflight idMargin must be >= 0 but was " + value);
            }
            this.idMargin = value;
            return this;
        }

        public Preflight build() {
            return new Preflight(this);
        }
    }

    /**
     * The checks {@link Preflight} ran, each with what to change when it failed.
     *
     * @param checks every check, in order
     */
    public record Report(List<Check> checks) {

        /** How a check came out. */
        public enum Status {
            /** Fine. */
            OK,
            /** Not blocking, but look at it before the stage it matters for. */
            WARN,
            /** Fix it before DUAL_WRITE. */
            FAIL,
            /** Could not be checked (the message says what is needed to check it). */
            SKIPPED
        }

        /**
         * One check.
         *
         * @param unit    the unit
         * @param table   the table
         * @param name    what was checked
         * @param status  the outcome
         * @param message what was found and, when it failed, what to change
         */
        public record Check(String unit, String table, String name, Status status, String message) {
            @Override
            public String toString() {
                return String.format("%-7s %s.%s %s: %s", status, unit, table, name, message);
            }
        }

        /** Copies the list. */
        public Report {
            checks = List.copyOf(checks);
        }

        /** Whether nothing failed. */
        public boolean passed() {
            return checks.stream().noneMatch(c -> c.status() == Status.FAIL);
        }

        /** The checks that failed. */
        public List<Check> failures() {
            return checks.stream().filter(c -> c.status() == Status.FAIL).toList();
        }
    }
}
