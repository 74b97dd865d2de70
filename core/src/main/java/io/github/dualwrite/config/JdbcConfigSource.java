package io.github.dualwrite.config;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the migration document in a database row, so that every instance of an application shares one
 * switch without a config centre. Each instance polls the row and applies it when its version changes;
 * operators (or the CLI) {@link #publish} new documents.
 *
 * <pre>{@code
 * CREATE TABLE dualwrite_config (
 *   name VARCHAR(64) PRIMARY KEY, version BIGINT NOT NULL, format VARCHAR(16) NOT NULL,
 *   document TEXT NOT NULL, updated_by VARCHAR(128), updated_at TIMESTAMP NOT NULL)
 * }</pre>
 * The table is created if absent (H2, MySQL/MariaDB and PostgreSQL accept this DDL).
 */
public final class JdbcConfigSource implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JdbcConfigSource.class);

    private final DataSource dataSource;
    private final MigrationControl control;
    private final String table;
    private final String name;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final boolean ownScheduler;
    private final ScheduledFuture<?> poller;
    private long lastVersion = -1;

    private JdbcConfigSource(Builder b) {
        this.dataSource = b.dataSource;
        this.control = b.control;
        this.table = b.table;
        this.name = b.name;
        this.clock = b.clock;
        this.ownScheduler = b.scheduler == null;
        this.scheduler = ownScheduler ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dualwrite-config-jdbc");
            t.setDaemon(true);
            return t;
        }) : b.scheduler;
        createTableIfAbsent();
        checkNow();
        long poll = b.pollInterval.toMillis();
        this.poller = scheduler.scheduleWithFixedDelay(this::checkQuietly, poll, poll, TimeUnit.MILLISECONDS);
    }

    /**
     * Watches the row {@code default} of {@code dualwrite_config} in {@code dataSource} every 5 s (creating the
     * table if absent), like {@link FileConfigSource#watch} does for a file.
     */
    public static JdbcConfigSource watch(DataSource dataSource, MigrationControl control) {
        return builder(dataSource, control).build();
    }

    /** Configures a source over {@code dataSource}. */
    public static Builder builder(DataSource dataSource, MigrationControl control) {
        return new Builder(dataSource, control);
    }

    /**
     * Reads the row now and applies it if its version differs from the last one seen, as a published document
     * ({@link MigrationControl#applyPublished}: its move was checked when it was published, so every instance
     * takes it). A version this instance's validators reject is not retried: publish a corrected one.
     *
     * @return the result, or null when the row is missing or unchanged
     * @throws IllegalStateException when the table cannot be read
     */
    public synchronized MigrationControl.ApplyResult checkNow() {
        String sql = "SELECT version, format, document FROM " + table + " WHERE name = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                long version = rs.getLong(1);
                if (version == lastVersion) {
                    return null;
                }
                lastVersion = version;
                MigrationConfig.Format format = MigrationConfig.Format.valueOf(rs.getString(2));
                String source = "jdbc:" + table + "/" + name + "@v" + version;
                MigrationConfig next;
                try {
                    next = MigrationConfig.parse(rs.getString(3), format);
                } catch (InvalidConfigException e) {
                    return control.apply(rs.getString(3), format, source); // rejected with the reasons, counted
                }
                return control.applyPublished(next, source);
            }
        } catch (SQLException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read dualwrite config row '" + name + "' from table " + table
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks and stores a new document as the next version of the row. The check is the one every instance
     * would make ({@link MigrationControl#check}: validators, stage moves and gates such as the journal gate,
     * against the version stored now), made once here; instances then take the stored version as published.
     *
     * @param text      the document
     * @param format    its format
     * @param updatedBy who publishes it (kept in the row and in the source name)
     * @return the version stored
     * @throws InvalidConfigException when the document is invalid or its move is held back (nothing is stored)
     * @throws IllegalStateException  when someone else published at the same moment, or the database fails
     */
    public long publish(String text, MigrationConfig.Format format, String updatedBy) {
        MigrationConfig next = MigrationConfig.parse(text, format);
        try (Connection c = dataSource.getConnection()) {
            long current = -1;
            MigrationConfig stored = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT version, format, document FROM " + table
                    + " WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        current = rs.getLong(1);
                        try {
                            stored = MigrationConfig.parse(rs.getString(3), MigrationConfig.Format.valueOf(rs.getString(2)));
                        } catch (IllegalArgumentException e) { // InvalidConfigException too
                            stored = null; // a broken stored version: the next one is checked on its own
                        }
                    }
                }
            }
            List<ConfigProblem> problems = control.check(stored, next);
            if (!problems.isEmpty()) {
                throw new InvalidConfigException(problems);
            }
            Timestamp now = Timestamp.from(clock.instant());
            if (current < 0) {
                String insert = "INSERT INTO " + table + " (name, version, format, document, updated_by, updated_at)"
                        + " VALUES (?, 1, ?, ?, ?, ?)";
                try (PreparedStatement ps = c.prepareStatement(insert)) {
                    ps.setString(1, name);
                    ps.setString(2, format.name());
                    ps.setString(3, text);
                    ps.setString(4, updatedBy);
                    ps.setTimestamp(5, now);
                    ps.executeUpdate();
                }
                return 1;
            }
            String update = "UPDATE " + table + " SET version = ?, format = ?, document = ?, updated_by = ?,"
                    + " updated_at = ? WHERE name = ? AND version = ?";
            try (PreparedStatement ps = c.prepareStatement(update)) {
                ps.setLong(1, current + 1);
                ps.setString(2, format.name());
                ps.setString(3, text);
                ps.setString(4, updatedBy);
                ps.setTimestamp(5, now);
                ps.setString(6, name);
                ps.setLong(7, current);
                if (ps.executeUpdate() != 1) {
                    throw new IllegalStateException("dualwrite config row '" + name + "' was changed by someone else"
                            + " while publishing over v" + current + "; read it again and republish");
                }
            }
            return current + 1;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot publish dualwrite config row '" + name + "' to table " + table
                    + ": " + e.getMessage(), e);
        }
    }

    /** Stops polling; the document in force stays. */
    @Override
    public void close() {
        poller.cancel(false);
        if (ownScheduler) {
            scheduler.shutdownNow();
        }
    }

    private void checkQuietly() {
        try {
            checkNow();
        } catch (RuntimeException e) {
            log.warn("dualwrite config poll failed; v{} stays in force: {}", control.current().version(), e.getMessage());
        }
    }

    private void createTableIfAbsent() {
        String ddl = "CREATE TABLE IF NOT EXISTS " + table + " (name VARCHAR(64) NOT NULL PRIMARY KEY,"
                + " version BIGINT NOT NULL, format VARCHAR(16) NOT NULL, document TEXT NOT NULL,"
                + " updated_by VARCHAR(128), updated_at TIMESTAMP NOT NULL)";
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(ddl);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create dualwrite config table " + table + ": " + e.getMessage()
                    + "; create it yourself with: " + ddl, e);
        }
    }

    /** Options of a {@link JdbcConfigSource}. */
    public static final class Builder {
        private final DataSource dataSource;
        private final MigrationControl control;
        private String table = "dualwrite_config";
        private String name = "default";
        private Duration pollInterval = Duration.ofSeconds(5);
        private ScheduledExecutorService scheduler;
        private Clock clock = Clock.systemUTC();

        private Builder(DataSource dataSource, MigrationControl control) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            this.control = Objects.requireNonNull(control, "control");
        }

        /** The table; default {@code dualwrite_config}. */
        public Builder table(String value) {
            String why = Names.whyInvalid(value);
            if (why != null) {
                throw new IllegalArgumentException("JdbcConfigSource table " + why);
            }
            this.table = value;
            return this;
        }

        /** The row's name, so that several applications can share the table; default {@code default}. */
        public Builder name(String value) {
            if (value == null || value.isBlank() || value.length() > 64) {
                throw new IllegalArgumentException("JdbcConfigSource name must be 1..64 characters but was " + value);
            }
            this.name = value;
            return this;
        }

        /** How often the row is read; default 5 s. */
        public Builder pollInterval(Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("JdbcConfigSource pollInterval must be positive but was " + value);
            }
            this.pollInterval = value;
            return this;
        }

        /** Polls on this scheduler instead of an own daemon thread (not shut down on close). */
        public Builder scheduler(ScheduledExecutorService value) {
            this.scheduler = Objects.requireNonNull(value, "scheduler");
            return this;
        }

        /** The clock for {@code updated_at}; default UTC system clock. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** Creates the table if absent, reads the row once now, then polls it. */
        public JdbcConfigSource build() {
            return new JdbcConfigSource(this);
        }
    }
}
