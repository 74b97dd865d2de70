package io.github.dualwrite.config;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A migrated table.
 *
 * @param name          the table name as written in SQL (matched case-insensitively)
 * @param primaryKey    the primary-key column(s), in key order
 * @param versionColumn a column every write advances ({@code gmt_modified}-style), used by incremental
 *                      verification and by backfill's "never overwrite newer" rule; null when the table has none
 * @param columnMap     old column name to new column name, for columns the new schema renamed (lower case);
 *                      columns not listed keep their name
 * @param idSource      where the ids of INSERTs that omit the primary key come from; default {@link IdSource#OLD}
 */
public record TableConfig(String name, List<String> primaryKey, String versionColumn, Map<String, String> columnMap,
                          IdSource idSource) {

    /** The primary key used when a document names none. */
    public static final List<String> DEFAULT_PRIMARY_KEY = List.of("id");

    /** A table whose columns have the same names on both sides. */
    public TableConfig(String name, List<String> primaryKey, String versionColumn) {
        this(name, primaryKey, versionColumn, Map.of(), IdSource.OLD);
    }

    /** A table whose ids come from the old side. */
    public TableConfig(String name, List<String> primaryKey, String versionColumn, Map<String, String> columnMap) {
        this(name, primaryKey, versionColumn, columnMap, IdSource.OLD);
    }

    /** Validates every part; see {@link InvalidConfigException#problems()} for all reasons at once. */
    public TableConfig {
        primaryKey = primaryKey == null ? DEFAULT_PRIMARY_KEY : List.copyOf(primaryKey);
        idSource = idSource == null ? IdSource.OLD : idSource;
        Problems problems = new Problems();
        Names.check(problems, "", name);
        problems.check(!primaryKey.isEmpty(), "primary-key", "is empty; name the primary-key column(s), e.g. [id]");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < primaryKey.size(); i++) {
            String column = primaryKey.get(i);
            Names.check(problems, "primary-key[" + i + "]", column);
            problems.check(column == null || seen.add(Names.key(column)), "primary-key[" + i + "]",
                    "'" + ConfigLimits.echo(column) + "' is listed twice");
        }
        if (versionColumn != null) {
            Names.check(problems, "version-column", versionColumn);
        }
        Map<String, String> map = new LinkedHashMap<>();
        if (columnMap != null) {
            columnMap.forEach((from, to) -> {
                Names.check(problems, "column-map." + from, from);
                Names.check(problems, "column-map." + from, to);
                if (from != null && to != null) {
                    map.put(Names.key(from), Names.key(to));
                }
            });
        }
        for (String column : primaryKey) {
            problems.check(column == null || !map.containsKey(Names.key(column)), "column-map." + column,
                    "renames a primary-key column; the key must keep its name on both sides");
        }
        problems.check(idSource.oldGenerates() || primaryKey.size() == 1, "id-source",
                idSource + " makes one id per row, but the primary key is " + primaryKey
                        + "; use it for single-column keys only (or id-source: APPLICATION)");
        problems.throwIfAny();
        columnMap = Collections.unmodifiableMap(map);
    }

    /** The new side's name of an old column (lower case). */
    public String newColumn(String oldColumn) {
        String key = Names.key(oldColumn);
        return columnMap.getOrDefault(key, key);
    }

    /**
     * Why {@code name} cannot be a table or column name for dualwrite, or null when it can: letters, digits,
     * {@code _} and {@code $}, not starting with a digit, at most 64 characters. The sync tools check names
     * read from database metadata with this same rule before they quote them into SQL.
     */
    public static String whyInvalidName(String name) {
        return Names.whyInvalid(name);
    }

    /** A table keyed by {@code id} without a version column. */
    public static TableConfig of(String name) {
        return new TableConfig(name, DEFAULT_PRIMARY_KEY, null);
    }

    /** Whether the table has a version column. */
    public boolean hasVersionColumn() {
        return versionColumn != null;
    }

    /** Returns a copy with the given version column. */
    public TableConfig withVersionColumn(String column) {
        return new TableConfig(name, primaryKey, Objects.requireNonNull(column, "column"), columnMap, idSource);
    }

    /** Returns a copy with the given primary key. */
    public TableConfig withPrimaryKey(String... columns) {
        return new TableConfig(name, List.of(columns), versionColumn, columnMap, idSource);
    }

    /** Returns a copy where old column {@code from} is called {@code to} on the new side. */
    public TableConfig withRenamedColumn(String from, String to) {
        Map<String, String> map = new LinkedHashMap<>(columnMap);
        map.put(from, to);
        return new TableConfig(name, primaryKey, versionColumn, map, idSource);
    }

    /** Returns a copy whose ids come from {@code source}. */
    public TableConfig withIdSource(IdSource source) {
        return new TableConfig(name, primaryKey, versionColumn, columnMap, Objects.requireNonNull(source, "source"));
    }

    /**
     * Where a table's ids come from when an INSERT leaves its primary key out. One source per table, valid in
     * every stage it allows: the same id then lands on both sides and no generated key has to be carried across.
     */
    public enum IdSource {
        /**
         * The old side's AUTO_INCREMENT. Valid only while the old side is the authority: the old side runs first
         * and its ids are copied into the new side's INSERT. A unit with such a table cannot enter NEW_PRIMARY.
         */
        OLD(true),
        /**
         * A segment allocator (table {@code dualwrite_sequence} on a database you name): the library puts the next
         * ids into every INSERT that omits them, in every stage.
         */
        SEQUENCE(false),
        /** The {@link io.github.dualwrite.ids.IdGenerator} registered for the table on the data source builder. */
        GENERATOR(false),
        /**
         * The application gives every id. An INSERT without it is still given the old side's id while the old
         * side is the authority, and refused once the new side is.
         */
        APPLICATION(true);

        private final boolean oldGenerates;

        IdSource(boolean oldGenerates) {
            this.oldGenerates = oldGenerates;
        }

        /** Whether the old side's AUTO_INCREMENT makes the ids of INSERTs that omit them. */
        public boolean oldGenerates() {
            return oldGenerates;
        }

        /** Whether the library puts ids into INSERTs that omit them. */
        public boolean injects() {
            return !oldGenerates;
        }
    }
}
