package io.github.dualwrite.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
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
public record MigrationConfig(Map<String, UnitConfig> units, Secondary secondary, UnkeyedPolicy unkeyedPolicy,
                              boolean force, DataSources datasources) {

    /** A document with no units: everything stays on the old database. */
    public static final MigrationConfig EMPTY =
            new MigrationConfig(Map.of(), Secondary.DEFAULTS, UnkeyedPolicy.EXECUTE_BOTH, false, null);

    /** A document without data sources. */
    public MigrationConfig(Map<String, UnitConfig> units, Secondary secondary, UnkeyedPolicy unkeyedPolicy,
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
                    "holds a unit named '" + ConfigLimits.echo(unit.name()) + "'; the key and the unit name must be the same");
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
    public static MigrationConfig parse(String text, Format format) {
        return ConfigBinder.bind(ConfigDocuments.read(text, format));
    }

    /** Reads a YAML document. */
    public static MigrationConfig fromYaml(String yaml) {
        return parse(yaml, Format.YAML);
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
    public MigrationConfig withSecondary(Secondary newSecondary) {
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
    public MigrationConfig withDatasources(DataSources value) {
        return new MigrationConfig(units, secondary, unkeyedPolicy, force, value);
    }

    /**
     * The document as flat properties without prefix, sorted by key; {@link #fromProperties} reads it back. It
     * holds the old database's password as written: store it like the document, never show it; for display use
     * {@link #toDisplayProperties()}.
     */
    public Map<String, String> toProperties() {
        return ConfigWriter.toProperties(this);
    }

    /**
     * The document as YAML; {@link #fromYaml} reads it back. Holds credentials like {@link #toProperties()}; for
     * display use {@link #toDisplayYaml()}.
     */
    public String toYaml() {
        return ConfigWriter.toYaml(this);
    }

    /** {@link #toProperties()} with the password and credentials inside URLs masked ({@link Secrets}). */
    public Map<String, String> toDisplayProperties() {
        return ConfigWriter.toProperties(ConfigWriter.tree(this, true));
    }

    /** {@link #toYaml()} with the password and credentials inside URLs masked ({@link Secrets}). */
    public String toDisplayYaml() {
        return ConfigWriter.toYaml(ConfigWriter.tree(this, true));
    }

    /** Builds a {@link MigrationConfig}. */
    public static final class Builder {
        private final Map<String, UnitConfig> units = new LinkedHashMap<>();
        private Secondary secondary = Secondary.DEFAULTS;
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
        public Builder secondary(Secondary value) {
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

    /** The two ways a migration document can be written; both read into the same {@link MigrationConfig}. */
    public enum Format {
        /** A YAML document, optionally wrapped in a top-level {@code dualwrite:} key. */
        YAML,
        /** Flat properties: {@code dualwrite.units.points.gray.ratio=100} (the {@code dualwrite.} prefix is optional). */
        PROPERTIES;

        /** {@code .properties} files are PROPERTIES, everything else ({@code .yaml}, {@code .yml}) YAML. */
        public static Format of(Path file) {
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            return name.endsWith(".properties") ? PROPERTIES : YAML;
        }
    }

    /**
     * How the secondary side of a dual write is run and protected.
     *
     * @param mode           SYNC (in the caller's thread) or ASYNC (bounded executor)
     * @param timeout        query timeout for secondary statements (JDBC rounds it up to whole seconds)
     * @param circuitBreaker the breaker that stops calling a sick secondary
     */
    public record Secondary(WriteMode mode, Duration timeout, CircuitBreaker circuitBreaker) {

        /** SYNC, 2 s timeout, default breaker. */
        public static final Secondary DEFAULTS =
                new Secondary(WriteMode.SYNC, Duration.ofSeconds(2), CircuitBreaker.DEFAULTS);

        /** Validates every value. */
        public Secondary {
            Problems p = new Problems();
            p.check(mode != null, "mode", "is missing; give SYNC or ASYNC");
            Durations.checkPositive(p, "timeout", timeout);
            p.check(timeout == null || timeout.compareTo(Duration.ofMinutes(10)) <= 0, "timeout",
                    Durations.format(timeout) + " is longer than 10m; a secondary write must never hold the caller that long");
            p.check(circuitBreaker != null, "circuit-breaker", "is missing");
            p.throwIfAny();
        }

        /** Returns a copy with another mode. */
        public Secondary withMode(WriteMode newMode) {
            return new Secondary(newMode, timeout, circuitBreaker);
        }

        /** Returns a copy with another timeout. */
        public Secondary withTimeout(Duration newTimeout) {
            return new Secondary(mode, newTimeout, circuitBreaker);
        }
    }

    /**
     * Thresholds of the circuit breaker in front of the secondary side. Set explicitly because a library's
     * generic defaults do not fit a database that must never slow the business down.
     *
     * @param failureRateThreshold         percent of failed calls (1..100) that opens the breaker
     * @param slowCallRateThreshold        percent of slow calls (1..100) that opens the breaker
     * @param slowCallDuration             a call slower than this counts as slow
     * @param slidingWindowSize            number of recent calls the rates are computed over
     * @param minimumNumberOfCalls         calls needed in the window before the rates are trusted
     * @param waitInOpenState              how long the breaker stays open before probing again
     * @param permittedCallsInHalfOpenState probe calls let through while half-open
     */
    public record CircuitBreaker(int failureRateThreshold, int slowCallRateThreshold, Duration slowCallDuration,
                                         int slidingWindowSize, int minimumNumberOfCalls, Duration waitInOpenState,
                                         int permittedCallsInHalfOpenState) {

        /** 50% failures or 50% calls slower than 1 s over the last 100 calls (at least 20) open it for 30 s. */
        public static final CircuitBreaker DEFAULTS =
                new CircuitBreaker(50, 50, Duration.ofSeconds(1), 100, 20, Duration.ofSeconds(30), 10);

        /** Validates every value. */
        public CircuitBreaker {
            Problems p = new Problems();
            percent(p, "failure-rate-threshold", failureRateThreshold);
            percent(p, "slow-call-rate-threshold", slowCallRateThreshold);
            Durations.checkPositive(p, "slow-call-duration", slowCallDuration);
            p.check(slidingWindowSize >= 1 && slidingWindowSize <= 100_000, "sliding-window-size",
                    slidingWindowSize + " is out of range 1..100000 calls");
            p.check(minimumNumberOfCalls >= 1 && minimumNumberOfCalls <= 100_000, "minimum-number-of-calls",
                    minimumNumberOfCalls + " is out of range 1..100000 calls");
            Durations.checkPositive(p, "wait-in-open-state", waitInOpenState);
            p.check(permittedCallsInHalfOpenState >= 1 && permittedCallsInHalfOpenState <= 1000,
                    "permitted-calls-in-half-open-state", permittedCallsInHalfOpenState + " is out of range 1..1000 calls");
            p.throwIfAny();
        }

        private static void percent(Problems p, String path, int value) {
            p.check(value >= 1 && value <= 100, path, value + " is out of range 1..100 (percent)");
        }
    }

    /**
     * Where the two databases are, for the command-line tools (backfill, verify, repair, preflight) that
     * build their own connections; an application passes its DataSources to the library directly and may
     * leave this out.
     *
     * @param old          the old database
     * @param shardingYaml the ShardingSphere-JDBC YAML of the new database (its {@code dataSources} and rules),
     *                     a path relative to the document's own file
     */
    public record DataSources(DatabaseConfig old, String shardingYaml) {

        /** Checks both parts are there. */
        public DataSources {
            Problems p = new Problems();
            p.check(old != null, "old", "is missing; give url, username and password of the old database");
            p.check(shardingYaml != null && !shardingYaml.isBlank(), "new.sharding-yaml",
                    "is missing; give the path of the ShardingSphere-JDBC YAML of the new database");
            p.throwIfAny();
        }

        /**
         * One database reached through JDBC.
         *
         * @param url      its JDBC URL
         * @param username user name ({@code ${ENV_VAR}} is replaced from the environment by the tools)
         * @param password password, likewise
         * @param poolSize connections in its pool
         */
        public record DatabaseConfig(String url, String username, String password, int poolSize) {

            /** Checks the URL and the pool size. */
            public DatabaseConfig {
                Problems p = new Problems();
                p.check(url != null && url.startsWith("jdbc:"), "url", (url == null ? "is missing"
                                : "'" + ConfigLimits.echo(Secrets.mask(url)) + "' is not a JDBC URL")
                        + "; write e.g. jdbc:mariadb://127.0.0.1:3306/points");
                p.check(poolSize >= 1 && poolSize <= 200, "pool-size", poolSize + " is out of range 1..200");
                p.throwIfAny();
                username = username == null ? "" : username;
                password = password == null ? "" : password;
                Secrets.remember(password);
                Secrets.rememberIn(url);
            }

            /** The settings with the password and any credential inside the URL masked. */
            @Override
            public String toString() {
                return "DatabaseConfig[url=" + Secrets.mask(url) + ", username=" + username + ", password="
                        + Secrets.maskValue(password) + ", poolSize=" + poolSize + "]";
            }
        }
    }

    /** What to do with a write to a migrated table when no routing key can be found for it. */
    public enum UnkeyedPolicy {
        /** Run it on both sides; the sharded side runs it on every shard. */
        EXECUTE_BOTH,
        /** Run it on the authoritative side only and journal it for repair. */
        JOURNAL,
        /** Refuse it with an {@link java.sql.SQLException}. */
        REJECT
    }

    /** When the secondary side of a dual write runs. */
    public enum WriteMode {
        /** In the caller's thread, after the authoritative write and before the call returns. */
        SYNC,
        /** On a bounded executor after the authoritative write; journaled if it fails or is dropped. */
        ASYNC,
        /**
         * Change-log replay (seed 003): writes run on the authority only and every key they touch is journaled;
         * the repairer copies those rows to the other side with RowSync.
         */
        CHANGE_LOG
    }
}
