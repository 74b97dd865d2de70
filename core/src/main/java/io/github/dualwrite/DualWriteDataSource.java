package io.github.dualwrite;

import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.ids.IdGenerator;
import io.github.dualwrite.ids.SegmentSequence;
import io.github.dualwrite.journal.FallbackJournal;
import io.github.dualwrite.journal.FileJournal;
import io.github.dualwrite.journal.JdbcJournal;
import io.github.dualwrite.journal.JournalPolicy;
import io.github.dualwrite.journal.Journal;
import io.github.dualwrite.journal.JournalGate;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The DataSource an application uses instead of its old one: every statement goes to the old database, the
 * new one or both, as the stage switch and the gray ratio say for its user. No DAO changes.
 *
 * <pre>{@code
 * DataSource ds = DualWriteDataSource.builder()
 *         .oldDataSource(oldHikari)                 // the database being left
 *         .newDataSource(shardingSphereDataSource)  // the sharded one
 *         .control(MigrationControl.start(config, "classpath:dualwrite.yaml"))
 *         .build();
 * }</pre>
 *
 * <p>Guarantees: the secondary side never breaks the business call (its errors, timeouts and an open circuit
 * breaker are absorbed); every secondary write that did not verifiably apply is in the journal before the
 * call returns; a transaction routes by the document and the route of its first statement, commits the
 * authority first and rolls back both.
 *
 * <p>Refused with an {@link SQLException} (SQLState 0A000), because no routing could keep both sides right:
 * a write touching two units or a unit and a table that is not migrated while a unit writes both sides; keys
 * of one statement, batch or transaction with different authorities; schema changes to migrated tables in
 * dual stages; transaction control written as SQL in dual stages; writes without routing key under
 * {@code unkeyed-policy: REJECT}.
 */
public final class DualWriteDataSource implements DataSource, AutoCloseable {

    private final DataSource oldDataSource;
    private final DataSource newDataSource;
    private final Engine engine;
    private final Journal journal;
    private final MigrationControl control;
    private final JournalGate gate;
    private final Clock clock;
    private final ScheduledExecutorService ownScheduler;

    private DualWriteDataSource(Builder b) {
        this.oldDataSource = b.oldDataSource;
        this.newDataSource = b.newDataSource;
        this.control = b.control;
        this.journal = b.journal != null ? b.journal
                : new FallbackJournal(new JdbcJournal(b.oldDataSource, b.journalTable, b.journalPolicy),
                        new FileJournal(b.journalFile, b.journalPolicy));
        this.ownScheduler = b.scheduler == null ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dualwrite-guard");
            t.setDaemon(true);
            return t;
        }) : null;
        this.engine = new Engine(b.oldDataSource, b.newDataSource, b.control,
                new SqlClassifier(b.sqlDialect, b.classifierCacheSize), journal, b.clock,
                new Engine.Options(b.sequence, b.sequenceMargin, b.generators, b.maxDirtyKeys, b.dirtyKeysRefresh,
                        b.scheduler != null ? b.scheduler : ownScheduler, b.maxBufferedSecondaryBytes,
                        b.async));
        this.gate = new JournalGate(journal, b.clock);
        this.clock = b.clock;
        control.addGate(gate);
    }

    /** Starts a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** A logical connection; physical connections to each side are taken from their pools when needed. */
    @Override
    public Connection getConnection() throws SQLException {
        return engine.connect();
    }

    /** Not supported: the two sides have their own credentials, configured on their DataSources. */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("dualwrite: configure credentials on the old and new DataSources;"
                + " use getConnection()");
    }

    /** Where {@code sql} would go now for the calling thread (its routing scope included), without running it. */
    public StatementRoute explain(String sql, Object... params) {
        return engine.explain(sql, params);
    }

    /**
     * The state of the circuit breaker in front of each side when that side is secondary ({@code CLOSED},
     * {@code OPEN}, {@code HALF_OPEN}, ...), for status pages and health checks.
     */
    public Map<io.github.dualwrite.config.Side, String> breakerStates() {
        Map<io.github.dualwrite.config.Side, String> out = new java.util.EnumMap<>(io.github.dualwrite.config.Side.class);
        for (io.github.dualwrite.config.Side side : io.github.dualwrite.config.Side.values()) {
            out.put(side, engine.breaker(side).getState().name());
        }
        return out;
    }

    /** Counters since this DataSource was built. */
    public DualWriteStats stats() {
        return engine.stats();
    }

    /**
     * Closes both circuit breakers, forgetting recent failures: for operators who fixed a secondary and do
     * not want to wait for the breaker's own probe.
     */
    public void resetCircuitBreakers() {
        engine.resetBreakers();
    }

    /**
     * Re-reads the journal's unresolved entries for the read-your-writes guard now, instead of at its next
     * periodic refresh: after entries were changed outside this process (by hand, or a repairer elsewhere).
     */
    public void refreshJournalView() {
        engine.refreshDirtyKeys();
    }

    /**
     * The repair primitive over this DataSource's two sides, its journal and its live writes: what a
     * {@link io.github.dualwrite.sync.Repairer} in this process should use. Give the DataSource the raw
     * pools (never another dual-write DataSource) for this to be right.
     */
    public io.github.dualwrite.sync.RowSync rowSync() {
        return new io.github.dualwrite.sync.RowSync(oldDataSource, newDataSource, control, journal, engine.liveWrites());
    }

    /** The journal of secondary writes waiting for repair. */
    public Journal journal() {
        return journal;
    }

    /** The stage switch this DataSource follows. */
    public MigrationControl control() {
        return control;
    }

    /** The clock of journal times and the circuit breakers (the one given to the builder). */
    public Clock clock() {
        return clock;
    }

    /**
     * Stops the background refresh, leaves the stage switch's gate and closes the journal. The old and new
     * DataSources belong to the caller and stay open.
     */
    @Override
    public void close() {
        control.removeGate(gate);
        engine.close();
        if (ownScheduler != null) {
            ownScheduler.shutdownNow();
        }
        journal.close();
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return oldDataSource.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        oldDataSource.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        oldDataSource.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return oldDataSource.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("dualwrite logs through slf4j");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        return iface.isInstance(oldDataSource) ? iface.cast(oldDataSource) : oldDataSource.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || iface.isInstance(oldDataSource) || oldDataSource.isWrapperFor(iface);
    }

    /** Builds a {@link DualWriteDataSource}; old, new and control are required. */
    public static final class Builder {
        private DataSource oldDataSource;
        private DataSource newDataSource;
        private MigrationControl control;
        private Journal journal;
        private String journalTable = JdbcJournal.DEFAULT_TABLE;
        private Path journalFile = FileJournal.defaultFile();
        private JournalPolicy journalPolicy = JournalPolicy.DEFAULTS;
        private long maxBufferedSecondaryBytes = Engine.DEFAULT_MAX_BUFFERED_SECONDARY_BYTES;
        private Clock clock = Clock.systemUTC();
        private String sqlDialect = "MySQL";
        private int classifierCacheSize = SqlClassifier.DEFAULT_CACHE_SIZE;
        private SegmentSequence sequence;
        private long sequenceMargin = 10_000;
        private final Map<String, IdGenerator> generators = new LinkedHashMap<>();
        private int maxDirtyKeys = 100_000;
        private Duration dirtyKeysRefresh = Duration.ofSeconds(5);
        private ScheduledExecutorService scheduler;
        private int asyncLanes = AsyncLanes.Settings.DEFAULTS.lanes();
        private int asyncQueueCapacity = AsyncLanes.Settings.DEFAULTS.capacity();
        private Duration asyncDrainTimeout = AsyncLanes.Settings.DEFAULTS.drain();
        private AsyncLanes.Settings async;

        private Builder() {
        }

        /**
         * Threads that run {@code secondary.mode: ASYNC} writes, each for its share of the users, in order per
         * user; default 8. Checked with the other lane settings when the data source is built.
         */
        public Builder asyncLanes(int value) {
            this.asyncLanes = value;
            return this;
        }

        /**
         * Writes (or committed transactions) each ASYNC lane queues; beyond, a write is journaled at once on the
         * caller's thread and copied by the repairer. Default 1024.
         */
        public Builder asyncQueueCapacity(int value) {
            this.asyncQueueCapacity = value;
            return this;
        }

        /** How long {@code close()} lets the ASYNC lanes run what is queued before journaling the rest; default 10 s. */
        public Builder asyncDrainTimeout(Duration value) {
            this.asyncDrainTimeout = value;
            return this;
        }

        /**
         * The sequence for tables with {@code id-source: SEQUENCE}: its table lives on a database you name,
         * one that outlives the old one (for example a database of the new side, outside ShardingSphere).
         */
        public Builder sequence(SegmentSequence value) {
            this.sequence = Objects.requireNonNull(value, "sequence");
            return this;
        }

        /** How far above both sides' highest id a new sequence starts (seed 004's raised sequence); default 10000. */
        public Builder sequenceMargin(long value) {
            if (value < 0) {
                throw new IllegalArgumentException("DualWriteDataSource sequenceMargin must be >= 0 but was " + value);
            }
            this.sequenceMargin = value;
            return this;
        }

        /** The id generator of a table with {@code id-source: GENERATOR} (e.g. ShardingSphere's Snowflake). */
        public Builder idGenerator(String table, IdGenerator value) {
            this.generators.put(Objects.requireNonNull(table, "table").toLowerCase(Locale.ROOT),
                    Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Bytes of parameters a transaction keeps for its secondary writes until it commits (to journal them
         * should the secondary commit fail); default 16 MiB. Past it, further writes of the transaction are
         * kept by routing and primary key only: they are still written and, on a failed secondary commit,
         * journaled by key for repair, without their values.
         */
        public Builder maxBufferedSecondaryBytes(long value) {
            if (value < 1) {
                throw new IllegalArgumentException("DualWriteDataSource maxBufferedSecondaryBytes must be at least 1 but was "
                        + value + "; give the bytes of parameters a transaction may keep for its secondary writes, e.g."
                        + " 16777216 (16 MiB)");
            }
            this.maxBufferedSecondaryBytes = value;
            return this;
        }

        /**
         * Users with unrepaired journal entries the read-your-writes guard tracks one by one; beyond, a whole
         * unit is read from the side that is not behind. Default 100000.
         */
        public Builder maxDirtyKeys(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("DualWriteDataSource maxDirtyKeys must be at least 1 but was " + value);
            }
            this.maxDirtyKeys = value;
            return this;
        }

        /** How often the read-your-writes guard re-reads the journal for other instances' entries; default 5 s. */
        public Builder dirtyKeysRefresh(Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("DualWriteDataSource dirtyKeysRefresh must be positive but was " + value);
            }
            this.dirtyKeysRefresh = value;
            return this;
        }

        /** Runs background work (the guard's refresh) here instead of on a thread of its own; not shut down on close. */
        public Builder scheduler(ScheduledExecutorService value) {
            this.scheduler = Objects.requireNonNull(value, "scheduler");
            return this;
        }

        /** The database being left (usually a HikariCP pool). */
        public Builder oldDataSource(DataSource value) {
            this.oldDataSource = Objects.requireNonNull(value, "oldDataSource");
            return this;
        }

        /** The new, sharded database (usually ShardingSphere-JDBC over HikariCP pools). */
        public Builder newDataSource(DataSource value) {
            this.newDataSource = Objects.requireNonNull(value, "newDataSource");
            return this;
        }

        /** The stage switch to follow. */
        public Builder control(MigrationControl value) {
            this.control = Objects.requireNonNull(value, "control");
            return this;
        }

        /**
         * The journal; by default table {@code dualwrite_journal} on the old DataSource, falling back to
         * {@link #journalFile(Path)}.
         */
        public Builder journal(Journal value) {
            this.journal = Objects.requireNonNull(value, "journal");
            return this;
        }

        /** The default journal's table name; default {@code dualwrite_journal}. */
        public Builder journalTable(String value) {
            this.journalTable = Objects.requireNonNull(value, "journalTable");
            return this;
        }

        /** The default journal's fallback file; default {@link FileJournal#defaultFile()} (owner-only, never the working directory). */
        public Builder journalFile(Path value) {
            this.journalFile = Objects.requireNonNull(value, "journalFile");
            return this;
        }

        /** What the default journal keeps and for how long; default {@link JournalPolicy#DEFAULTS} (keys only, 7 days). */
        public Builder journalPolicy(JournalPolicy value) {
            this.journalPolicy = Objects.requireNonNull(value, "journalPolicy");
            return this;
        }

        /** The clock for journal times and the circuit breaker; default UTC system clock. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** ShardingSphere's name of the SQL dialect; default {@code MySQL} (also for MariaDB and H2 MODE=MySQL). */
        public Builder sqlDialect(String value) {
            this.sqlDialect = Objects.requireNonNull(value, "sqlDialect");
            return this;
        }

        /** Distinct SQL texts whose classification is cached; default 10000. */
        public Builder classifierCacheSize(int value) {
            this.classifierCacheSize = value;
            return this;
        }

        /**
         * Builds the DataSource.
         *
         * @throws IllegalStateException when old, new or control is missing
         * @throws io.github.dualwrite.config.InvalidConfigException when the document in force asks for
         *         something this engine cannot do (secondary.mode ASYNC)
         */
        public DualWriteDataSource build() {
            if (oldDataSource == null || newDataSource == null || control == null) {
                throw new IllegalStateException("DualWriteDataSource needs oldDataSource, newDataSource and control;"
                        + " missing: " + (oldDataSource == null ? "oldDataSource " : "")
                        + (newDataSource == null ? "newDataSource " : "") + (control == null ? "control" : ""));
            }
            async = new AsyncLanes.Settings(asyncLanes, asyncQueueCapacity, asyncDrainTimeout); // checked before anything starts
            return new DualWriteDataSource(this);
        }
    }
}
