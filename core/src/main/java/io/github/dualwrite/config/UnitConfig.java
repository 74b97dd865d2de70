package io.github.dualwrite.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A migration unit: a named group of tables that share one routing key and move together.
 *
 * @param name          the unit's name ({@code points})
 * @param routingColumn the column that holds the routing key in every table of the unit ({@code user_id})
 * @param tables        the unit's tables, keyed by lower-case table name
 * @param stage         the base stage: where users that are not gray read and write
 * @param gray          the gray share and its stage
 * @param shadowRead    shadow-read sampling
 */
public record UnitConfig(String name, String routingColumn, Map<String, TableConfig> tables, Stage stage,
                         Gray gray, ShadowRead shadowRead) {

    /** Validates the unit as a whole; every table and the gray stage must fit the base stage. */
    public UnitConfig {
        Problems problems = new Problems();
        Names.check(problems, "", name);
        Names.check(problems, "routing-column", routingColumn);
        problems.check(stage != null, "stage", "is missing; give one of " + List.of(Stage.values()));
        problems.check(tables != null && !tables.isEmpty(), "tables",
                "is empty; list the tables of this unit, e.g. tables: [points_account, points_detail]");
        if (gray == null && stage != null) {
            gray = Gray.none(stage);
        }
        if (gray != null && stage != null && gray.stage() != stage && !gray.stage().isAdjacentTo(stage)) {
            problems.add("gray.stage", gray.stage() + " is not " + stage + " or adjacent to it; allowed: "
                    + allowedGrayStages(stage));
        }
        if (stage != null && gray != null) {
            Stage newest = gray.differsFrom(stage) && gray.stage().ordinal() > stage.ordinal() ? gray.stage() : stage;
            if (newest.authority() == Side.NEW && tables != null) {
                for (TableConfig table : tables.values()) {
                    problems.check(table.idSource() != TableConfig.IdSource.OLD, "tables." + table.name() + ".id-source",
                            "OLD generates ids on the old side, which is not the authority in " + newest
                                    + "; set id-source: SEQUENCE (the library allocates ids), GENERATOR (your IdGenerator)"
                                    + " or APPLICATION (every INSERT gives its id) before the new side becomes"
                                    + " the authority");
                }
            }
        }
        problems.throwIfAny();
        Map<String, TableConfig> byKey = new LinkedHashMap<>();
        for (TableConfig table : tables.values()) {
            if (byKey.put(Names.key(table.name()), table) != null) {
                problems.add("tables." + table.name(), "is listed twice (names are case-insensitive)");
            }
        }
        problems.throwIfAny();
        tables = Collections.unmodifiableMap(byKey);
        shadowRead = shadowRead == null ? ShadowRead.OFF : shadowRead;
    }

    /** Starts a unit definition. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The table with that name (case-insensitive), if it belongs to this unit. */
    public Optional<TableConfig> table(String tableName) {
        return Optional.ofNullable(tables.get(Names.key(tableName)));
    }

    /** The stage of the user with this routing key: the gray stage when the key is gray, else the base one. */
    public Stage stageOf(RoutingKey key) {
        return stageOf(gray.includes(key));
    }

    /** The gray stage for gray users, else the base stage. */
    Stage stageOf(boolean isGray) {
        return isGray && hasGray() ? gray.stage() : stage;
    }

    /** Whether some users are in another stage than {@link #stage()}. */
    public boolean hasGray() {
        return gray.differsFrom(stage);
    }

    /** Returns a copy in another base stage (the gray part is kept). */
    public UnitConfig withStage(Stage newStage) {
        return new UnitConfig(name, routingColumn, tables, newStage, gray, shadowRead);
    }

    /** Returns a copy with another gray part. */
    public UnitConfig withGray(Gray newGray) {
        return new UnitConfig(name, routingColumn, tables, stage, newGray, shadowRead);
    }

    /** Returns a copy with another shadow-read rate. */
    public UnitConfig withShadowRead(ShadowRead newShadowRead) {
        return new UnitConfig(name, routingColumn, tables, stage, gray, newShadowRead);
    }

    static List<Stage> allowedGrayStages(Stage base) {
        List<Stage> allowed = new ArrayList<>();
        for (Stage s : Stage.values()) {
            if (s == base || s.isAdjacentTo(base)) {
                allowed.add(s);
            }
        }
        return allowed;
    }

    /** Builds a {@link UnitConfig}; validation happens in {@link #build()}. */
    public static final class Builder {
        private final String name;
        private String routingColumn = "user_id";
        private final Map<String, TableConfig> tables = new LinkedHashMap<>();
        private Stage stage = Stage.OLD_ONLY;
        private Gray gray;
        private ShadowRead shadowRead = ShadowRead.OFF;

        private Builder(String name) {
            this.name = name;
        }

        /** The routing column; default {@code user_id}. */
        public Builder routingColumn(String column) {
            this.routingColumn = column;
            return this;
        }

        /** Adds tables keyed by {@code id}, without version column. */
        public Builder tables(String... names) {
            for (String n : names) {
                table(TableConfig.of(n));
            }
            return this;
        }

        /** Adds a table. */
        public Builder table(TableConfig table) {
            tables.put(table.name(), table);
            return this;
        }

        /** The base stage; default {@link Stage#OLD_ONLY}. */
        public Builder stage(Stage value) {
            this.stage = value;
            return this;
        }

        /** The gray part; default none. */
        public Builder gray(Gray value) {
            this.gray = value;
            return this;
        }

        /** Gray users in {@code grayStage}: those in buckets below {@code ratio}. */
        public Builder gray(Stage grayStage, int ratio) {
            return gray(new Gray(grayStage, ratio, null, null));
        }

        /** Shadow-read sample rate, 0.0..1.0; default 0. */
        public Builder shadowReadSampleRate(double rate) {
            this.shadowRead = new ShadowRead(rate);
            return this;
        }

        /** Validates and builds. */
        public UnitConfig build() {
            return new UnitConfig(name, routingColumn, tables, stage, gray, shadowRead);
        }
    }

    /**
     * The share of users that is one stage ahead of (or behind) the unit's base stage.
     *
     * <p>A user is gray when whitelisted, or when not blacklisted and {@code bucket(key) < ratio}.
     *
     * @param stage     the stage gray users are in; the base stage (no gray) or a stage adjacent to it
     * @param ratio     gray share in basis points of 10000 buckets: 0 = nobody, 1 = 0.01%, 10000 = everybody
     * @param whitelist users that are always gray
     * @param blacklist users that are never gray (unless also whitelisted)
     */
    public record Gray(Stage stage, int ratio, Set<RoutingKey> whitelist, Set<RoutingKey> blacklist) {

        /** Validates the ratio and copies the lists. */
        public Gray {
            Problems problems = new Problems();
            problems.check(stage != null, "stage", "is missing; give one of " + java.util.Arrays.toString(Stage.values()));
            problems.check(ratio >= 0 && ratio <= RoutingKey.BUCKETS, "ratio",
                    ratio + " is out of range 0..10000 (basis points: 1 = 0.01%, 100 = 1%, 10000 = everybody)");
            problems.throwIfAny();
            whitelist = copy(whitelist);
            blacklist = copy(blacklist);
        }

        /** No gray users: everybody is in {@code stage}. */
        public static Gray none(Stage stage) {
            return new Gray(stage, 0, Set.of(), Set.of());
        }

        /** Whether {@code key} is gray: whitelisted, or not blacklisted and in a bucket below the ratio. */
        public boolean includes(RoutingKey key) {
            if (whitelist.contains(key)) {
                return true;
            }
            return !blacklist.contains(key) && key.bucket() < ratio;
        }

        /** Whether some users can be in a different stage than the base one. */
        public boolean differsFrom(Stage base) {
            return stage != base && (ratio > 0 || !whitelist.isEmpty());
        }

        /** Returns a copy with the given ratio. */
        public Gray withRatio(int newRatio) {
            return new Gray(stage, newRatio, whitelist, blacklist);
        }

        /** Returns a copy with the given gray stage. */
        public Gray withStage(Stage newStage) {
            return new Gray(newStage, ratio, whitelist, blacklist);
        }

        /** Returns a copy with the given whitelist. */
        public Gray withWhitelist(Collection<?> keys) {
            return new Gray(stage, ratio, keys(keys), blacklist);
        }

        /** Returns a copy with the given blacklist. */
        public Gray withBlacklist(Collection<?> keys) {
            return new Gray(stage, ratio, whitelist, keys(keys));
        }

        private static Set<RoutingKey> keys(Collection<?> values) {
            Set<RoutingKey> keys = new LinkedHashSet<>();
            for (Object v : values) {
                keys.add(RoutingKey.of(v));
            }
            return keys;
        }

        private static Set<RoutingKey> copy(Set<RoutingKey> keys) {
            return keys == null || keys.isEmpty() ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(keys));
        }
    }

    /**
     * Shadow reads: in the stages that write both sides, a sampled share of reads also runs on the other side
     * and the results are compared.
     *
     * @param sampleRate share of reads sampled, 0.0 (off) to 1.0 (every read)
     */
    public record ShadowRead(double sampleRate, java.util.Set<String> ignoredColumns) {

        /** Shadow reads switched off. */
        public static final ShadowRead OFF = new ShadowRead(0.0);

        /** Validates the rate; column names are compared case-insensitively. */
        public ShadowRead {
            if (!(sampleRate >= 0.0 && sampleRate <= 1.0)) {
                throw new InvalidConfigException(java.util.List.of(new ConfigProblem("sample-rate",
                        sampleRate + " is out of range 0.0..1.0 (a share of reads: 0.01 = 1%)")));
            }
            java.util.Set<String> lower = new java.util.TreeSet<>();
            for (String c : ignoredColumns == null ? java.util.Set.<String>of() : ignoredColumns) {
                lower.add(c.toLowerCase(java.util.Locale.ROOT));
            }
            ignoredColumns = java.util.Collections.unmodifiableSet(lower);
        }

        /** Sampling at {@code sampleRate}, every column compared. */
        public ShadowRead(double sampleRate) {
            this(sampleRate, java.util.Set.of());
        }

        /** Whether any read is sampled. */
        public boolean enabled() {
            return sampleRate > 0.0;
        }
    }
}
