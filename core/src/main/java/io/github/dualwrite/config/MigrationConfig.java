package io.github.dualwrite.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The whole migration document: every unit with its tables, stage and gray share, plus how the secondary
 * side is run. Immutable and valid by construction: every constructor and parser either returns a valid
 * document or throws {@link InvalidConfigException} listing every problem with its path.
 *
 * <pre>{@code
 * units:
 *   points:
 *     routing-column: user_id
 *     tables:
 *       points_account: { primary-key: [id], version-column: gmt_modified }
 *       points_detail:  { primary-key: [id], version-column: gmt_modified }
 *     stage: DUAL_WRITE
 *     gray: { stage: READ_NEW, ratio: 100, whitelist: [10001], blacklist: [] }
 *     shadow-read: { sample-rate: 0.01 }
 * secondary:
 *   mode: SYNC
 *   timeout: 2s
 * unkeyed-policy: EXECUTE_BOTH
 * }</pre>
 *
 * @param units         the migration units by name, in document order
 * @param secondary     how the secondary side is run
 * @param unkeyedPolicy what to do with writes to migrated tables that carry no routing key
 * @param force         accept stage moves that skip stages or lose data; logged loudly
 * @param datasources   where the databases are, for the command-line tools; null when not given
 */
public record MigrationConfig(Map<String, UnitConfig> units, SecondaryConfig secondary, UnkeyedPolicy unkeyedPolicy,
                              boolean force, DataSourcesConfig datasources) {

    /** A document with no units: everything stays on the old database. */
    public static final MigrationConfig EMPTY =
            new MigrationConfig(Map.of(), SecondaryConfig.DEFAULTS, UnkeyedPolicy.EXECUTE_BOTH, false, null);

    /** A document without data sources. */
    public MigrationConfig(Map<String, UnitConfig> units, SecondaryConfig secondary, UnkeyedPolicy unkeyedPolicy,
                           boolean force) {
        this(units, secondary, unkeyedPolicy, force, null);
    }

    /** Validates the document as a whole: a table may belong to one unit only. */
    public MigrationConfig {
        Problems p = new Problems();
        p.check(units != null, "units", "is missing; write units: {} for none");
        p.check(secondary != null, "secondary", "is missing");
        p.check(unkeyedPolicy != null, "unkeyed-policy", "is missing; give EXECUTE_BOTH, JOURNAL or REJECT");
        p.throwIfAny();
        Map<String, String> owner = new LinkedHashMap<>();
        Map<String, UnitConfig> copy = new LinkedHashMap<>();
        for (Map.Entry<String, UnitConfig> e : units.entrySet()) {
            UnitConfig unit = e.getValue();
            p.check(e.getKey().equals(unit.name()), "units." + e.getKey(),
                    "holds a unit named '" + unit.name() + "'; the key and the unit name must be the same");
            for (TableConfig table : unit.tables().values()) {
                String previous = owner.putIfAbsent(Names.key(table.name()), unit.name());
                p.check(previous == null, "units." + unit.name() + ".tables." + table.name(),
                        "already belongs to unit '" + previous + "'; a table can be in one unit only");
            }
            copy.put(unit.name(), unit);
        }
        p.throwIfAny();
        units = Collections.unmodifiableMap(copy);
    }

    /** Starts a document. */
    public static Builder builder() {
        return new Builder();
    }

    /** Reads a document in the given format; throws {@link InvalidConfigException} with every problem. */
    public static MigrationConfig parse(String text, ConfigFormat format) {
        return ConfigBinder.bind(ConfigDocuments.read(text, format));
    }

    /** Reads a YAML document. */
    public static MigrationConfig fromYaml(String yaml) {
        return parse(yaml, ConfigFormat.YAML);
    }

    /** Reads flat properties ({@code dualwrite.units.points.stage=DUAL_WRITE}). */
    public static MigrationConfig fromProperties(Map<String, String> properties) {
        return ConfigBinder.bind(ConfigDocuments.fromProperties(properties));
    }

    /** The unit with that name. */
    public Optional<UnitConfig> unit(String name) {
        return Optional.ofNullable(units.get(name));
    }

    /** The unit a table belongs to (case-insensitive), empty for tables that are not migrated. */
    public Optional<UnitConfig> unitOfTable(String table) {
        for (UnitConfig unit : units.values()) {
            if (unit.table(table).isPresent()) {
                return Optional.of(unit);
            }
        }
        return Optional.empty();
    }

    /** Returns a copy where {@code unit} replaces the unit of the same name (or is added). */
    public MigrationConfig withUnit(UnitConfig unit) {
        Map<String, UnitConfig> copy = new LinkedHashMap<>(units);
        copy.put(unit.name(), unit);
        return new MigrationConfig(copy, secondary, unkeyedPolicy, force, datasources);
    }

    /** Returns a copy with another secondary configuration. */
    public MigrationConfig withSecondary(SecondaryConfig newSecondary) {
        return new MigrationConfig(units, newSecondary, unkeyedPolicy, force, datasources);
    }

    /** Returns a copy with another unkeyed policy. */
    public MigrationConfig withUnkeyedPolicy(UnkeyedPolicy policy) {
        return new MigrationConfig(units, secondary, policy, force, datasources);
    }

    /** Returns a copy with the force flag set or cleared. */
    public MigrationConfig withForce(boolean newForce) {
        return new MigrationConfig(units, secondary, unkeyedPolicy, newForce, datasources);
    }

    /** Returns a copy with the given data sources. */
    public MigrationConfig withDatasources(DataSourcesConfig value) {
        return new MigrationConfig(units, secondary, unkeyedPolicy, force, value);
    }

    /** The document as flat properties without prefix, sorted by key; {@link #fromProperties} reads it back. */
    public Map<String, String> toProperties() {
        return ConfigWriter.toProperties(this);
    }

    /** The document as YAML; {@link #fromYaml} reads it back. */
    public String toYaml() {
        return ConfigWriter.toYaml(this);
    }

    /** Builds a {@link MigrationConfig}. */
    public static final class Builder {
        private final Map<String, UnitConfig> units = new LinkedHashMap<>();
        private SecondaryConfig secondary = SecondaryConfig.DEFAULTS;
        private UnkeyedPolicy unkeyedPolicy = UnkeyedPolicy.EXECUTE_BOTH;
        private boolean force;

        private Builder() {
        }

        /** Adds a unit. */
        public Builder unit(UnitConfig unit) {
            units.put(unit.name(), unit);
            return this;
        }

        /** How the secondary side runs; default SYNC, 2 s. */
        public Builder secondary(SecondaryConfig value) {
            this.secondary = value;
            return this;
        }

        /** Policy for writes without routing key; default EXECUTE_BOTH. */
        public Builder unkeyedPolicy(UnkeyedPolicy value) {
            this.unkeyedPolicy = value;
            return this;
        }

        /** Accept otherwise illegal stage moves. */
        public Builder force(boolean value) {
            this.force = value;
            return this;
        }

        /** Validates and builds. */
        public MigrationConfig build() {
            return new MigrationConfig(units, secondary, unkeyedPolicy, force);
        }
    }
}
