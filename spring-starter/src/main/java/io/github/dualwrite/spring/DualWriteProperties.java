package io.github.dualwrite.spring;

import io.github.dualwrite.config.MigrationConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * Everything under {@code dualwrite.*}: the starter's switches and the migration document itself
 * ({@code units}, {@code secondary}, {@code unkeyed-policy}, {@code force}), which is the same document the
 * core reads from YAML ({@link MigrationConfig#fromYaml}); a typo in a document key is an error, not ignored.
 *
 * <p>The old side's pool is bound from {@code dualwrite.old.*} (HikariCP properties such as {@code jdbc-url},
 * {@code username}, {@code maximum-pool-size}) and the new side from {@code dualwrite.new.sharding-config}
 * unless the application defines beans named {@code oldDataSource} and {@code newDataSource}.
 */
@ConfigurationProperties(prefix = DualWriteProperties.PREFIX)
public class DualWriteProperties {

    /** The prefix of every key. */
    public static final String PREFIX = "dualwrite";

    /** Whether the starter builds the dual-write DataSource; nothing happens unless true. */
    private boolean enabled;

    /** Migration units by name: tables sharing one routing key, each in one stage. */
    private Map<String, UnitProperties> units = new LinkedHashMap<>();

    /** How the secondary side is written. */
    @NestedConfigurationProperty
    private final SecondaryProperties secondary = new SecondaryProperties();

    /** What a write to a migrated table without routing key does: EXECUTE_BOTH (default), JOURNAL or REJECT. */
    private MigrationConfig.UnkeyedPolicy unkeyedPolicy;

    /** Lets illegal stage moves and held-back moves (journal gate) through; logged at WARN. */
    private boolean force;

    private final Journal journal = new Journal();

    private final Admin admin = new Admin();

    private final Repair repair = new Repair();

    private final Verify verify = new Verify();

    private final MyBatis mybatis = new MyBatis();

    private final ConfigTable configTable = new ConfigTable();

    private final EnvironmentReload environmentReload = new EnvironmentReload();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Map<String, UnitProperties> getUnits() {
        return units;
    }

    public void setUnits(Map<String, UnitProperties> units) {
        this.units = units;
    }

    public SecondaryProperties getSecondary() {
        return secondary;
    }

    public MigrationConfig.UnkeyedPolicy getUnkeyedPolicy() {
        return unkeyedPolicy;
    }

    public void setUnkeyedPolicy(MigrationConfig.UnkeyedPolicy unkeyedPolicy) {
        this.unkeyedPolicy = unkeyedPolicy;
    }

    public boolean isForce() {
        return force;
    }

    public void setForce(boolean force) {
        this.force = force;
    }

    public Journal getJournal() {
        return journal;
    }

    public Admin getAdmin() {
        return admin;
    }

    public Repair getRepair() {
        return repair;
    }

    public Verify getVerify() {
        return verify;
    }

    public MyBatis getMybatis() {
        return mybatis;
    }

    public ConfigTable getConfigTable() {
        return configTable;
    }

    public EnvironmentReload getEnvironmentReload() {
        return environmentReload;
    }

    /** Where the DataSource journals secondary writes that did not verifiably apply ({@code dualwrite.journal}). */
    public static class Journal {

        /** Journal table on the old side, created if absent. */
        private String table = "dualwrite_journal";

        /** Fallback file used while the journal table cannot be written; default dualwrite-journal/journal.jsonl in the working directory. */
        private Path file;

        public String getTable() {
            return table;
        }

        public void setTable(String table) {
            this.table = table;
        }

        public Path getFile() {
            return file;
        }

        public void setFile(Path file) {
            this.file = file;
        }
    }

    /** The actuator endpoint's write operations ({@code dualwrite.admin}). */
    public static class Admin {

        /** Whether POST /actuator/dualwrite may change a unit's stage or gray ratio (same validation, gate and audit as any change). */
        private boolean writeEnabled;

        public boolean isWriteEnabled() {
            return writeEnabled;
        }

        public void setWriteEnabled(boolean writeEnabled) {
            this.writeEnabled = writeEnabled;
        }
    }

    /** The journal repairer run in every instance ({@code dualwrite.repair}); leases keep instances apart. */
    public static class Repair {

        /** Whether this instance drains the journal; turn off only when another process repairs. */
        private boolean enabled = true;

        /** Pause between repair passes. */
        private Duration interval = Duration.ofSeconds(10);

        /** Entries claimed per pass. */
        private int batchSize = 5000;

        /** Threads repairing the entries of one pass. */
        private int threads = 4;

        /** How long a claimed entry stays with this instance before others may take it. */
        private Duration lease = Duration.ofMinutes(2);

        /** Attempts before an entry is marked DEAD for a person. */
        private int maxAttempts = 10;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getInterval() {
            return interval;
        }

        public void setInterval(Duration interval) {
            this.interval = interval;
        }

        public int getBatchSize() {
            return batchSize;
        }

        public void setBatchSize(int batchSize) {
            this.batchSize = batchSize;
        }

        public int getThreads() {
            return threads;
        }

        public void setThreads(int threads) {
            this.threads = threads;
        }

        public Duration getLease() {
            return lease;
        }

        public void setLease(Duration lease) {
            this.lease = lease;
        }

        public int getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }
    }

    /** Scheduled incremental verification of units that write both sides ({@code dualwrite.verify}). */
    public static class Verify {

        /** Whether to verify rows changed since the last run on a schedule (needs version-column on the tables). */
        private boolean enabled;

        /** Pause between runs. */
        private Duration interval = Duration.ofMinutes(10);

        /** How far before the previous run's start each run looks again, for writes in flight. */
        private Duration overlap = Duration.ofMinutes(1);

        /** Whether differences found are repaired (copied from the authority). */
        private boolean repair;

        /** Units to verify; empty means every unit that writes both sides. */
        private List<String> units = new ArrayList<>();

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getInterval() {
            return interval;
        }

        public void setInterval(Duration interval) {
            this.interval = interval;
        }

        public Duration getOverlap() {
            return overlap;
        }

        public void setOverlap(Duration overlap) {
            this.overlap = overlap;
        }

        public boolean isRepair() {
            return repair;
        }

        public void setRepair(boolean repair) {
            this.repair = repair;
        }

        public List<String> getUnits() {
            return units;
        }

        public void setUnits(List<String> units) {
            this.units = units;
        }
    }

    /** Registration of the MyBatis interceptor on every SqlSessionFactory ({@code dualwrite.mybatis}). */
    public static class MyBatis {

        /** Whether to register DualWriteInterceptor (once) on every SqlSessionFactory. */
        private boolean enabled = true;

        /** Parameter property paths that may hold the routing key, tried in order; empty: userId, user_id. */
        private List<String> keyProperties = new ArrayList<>();

        /** Suffix of new-side counterpart statements; empty: __new. */
        private String newSideSuffix;

        /** Statement ids (or namespace.*) that run on the old side only. */
        private List<String> oldOnly = new ArrayList<>();

        /** Statement ids (or namespace.*) that write the authority only and journal the rest. */
        private List<String> skipSecondary = new ArrayList<>();

        /** Statement ids (or namespace.*) that always read the authority. */
        private List<String> authoritativeRead = new ArrayList<>();

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public List<String> getKeyProperties() {
            return keyProperties;
        }

        public void setKeyProperties(List<String> keyProperties) {
            this.keyProperties = keyProperties;
        }

        public String getNewSideSuffix() {
            return newSideSuffix;
        }

        public void setNewSideSuffix(String newSideSuffix) {
            this.newSideSuffix = newSideSuffix;
        }

        public List<String> getOldOnly() {
            return oldOnly;
        }

        public void setOldOnly(List<String> oldOnly) {
            this.oldOnly = oldOnly;
        }

        public List<String> getSkipSecondary() {
            return skipSecondary;
        }

        public void setSkipSecondary(List<String> skipSecondary) {
            this.skipSecondary = skipSecondary;
        }

        public List<String> getAuthoritativeRead() {
            return authoritativeRead;
        }

        public void setAuthoritativeRead(List<String> authoritativeRead) {
            this.authoritativeRead = authoritativeRead;
        }
    }

    /** The migration document shared through a database table ({@code dualwrite.config-table}), for apps without a config centre. */
    public static class ConfigTable {

        /** Whether to poll table dualwrite_config and apply the versions published there. */
        private boolean enabled;

        /** The table, created if absent. */
        private String table = "dualwrite_config";

        /** The row, so that several applications can share the table. */
        private String name = "default";

        /** How often the row is read. */
        private Duration pollInterval = Duration.ofSeconds(5);

        /** Bean name of the DataSource holding the table; default the old side. */
        private String dataSource = "oldDataSource";

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getTable() {
            return table;
        }

        public void setTable(String table) {
            this.table = table;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public Duration getPollInterval() {
            return pollInterval;
        }

        public void setPollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
        }

        public String getDataSource() {
            return dataSource;
        }

        public void setDataSource(String dataSource) {
            this.dataSource = dataSource;
        }
    }

    /** The live switch from the Spring Environment ({@code dualwrite.environment-reload}). */
    public static class EnvironmentReload {

        /** Whether an EnvironmentChangeEvent (config centre refresh) that touches dualwrite.* re-applies the document. */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }
}
