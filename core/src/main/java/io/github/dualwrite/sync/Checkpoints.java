package io.github.dualwrite.sync;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Where long jobs (backfill, verify) note how far they got, so a killed job continues where it stopped:
 * table {@code dualwrite_checkpoint} (created if absent), one row per job name.
 */
public final class Checkpoints {

    /** The default table. */
    public static final String DEFAULT_TABLE = "dualwrite_checkpoint";

    private final DataSource dataSource;
    private final String table;
    private final Clock clock;
    private volatile boolean created;

    /** Checkpoints in {@code table} on {@code dataSource} (usually the old database). */
    public Checkpoints(DataSource dataSource, String table, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        if (table == null || !table.matches("[A-Za-z_][A-Za-z0-9_]{0,63}")) {
            throw new IllegalArgumentException("checkpoint table must be a plain identifier but was " + table);
        }
        this.table = table;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Checkpoints in {@code dualwrite_checkpoint}. */
    public Checkpoints(DataSource dataSource) {
        this(dataSource, DEFAULT_TABLE, Clock.systemUTC());
    }

    /** The position a job saved, if it saved one and has not finished. */
    public Optional<String> position(String job) throws SQLException {
        createIfAbsent();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT position FROM " + table + " WHERE job = ? AND finished = 0")) {
            ps.setString(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** Saves a job's position (and the rows it processed so far). */
    public void save(String job, String position, long rows) throws SQLException {
        write(job, position, rows, 0);
    }

    /**
     * Stores {@code position} for {@code job} unless the job already has one, and returns the one stored: the
     * first of several processes to call it decides, the others get its value.
     */
    public String claim(String job, String position) throws SQLException {
        createIfAbsent();
        for (int attempt = 0; attempt < 3; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                try (PreparedStatement ps = c.prepareStatement("SELECT position FROM " + table + " WHERE job = ?")) {
                    ps.setString(1, job);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next() && rs.getString(1) != null) {
                            return rs.getString(1);
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                        + " (job, position, rows_done, finished, updated_at) VALUES (?, ?, 0, 0, ?)")) {
                    ps.setString(1, job);
                    ps.setString(2, position);
                    ps.setTimestamp(3, Timestamp.from(clock.instant()));
                    ps.executeUpdate();
                    return position;
                } catch (SQLException e) {
                    if (e.getSQLState() == null || !e.getSQLState().startsWith("23")) {
                        throw e;
                    }
                    // another process stored it first: read theirs
                }
            }
        }
        throw new SQLException("checkpoint " + job + " could not be claimed or read in " + table);
    }

    /** Marks a job finished: the next run starts from the beginning. */
    public void finish(String job, long rows) throws SQLException {
        write(job, null, rows, 1);
    }

    private void write(String job, String position, long rows, int finished) throws SQLException {
        createIfAbsent();
        try (Connection c = dataSource.getConnection()) {
            int updated;
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + table
                    + " SET position = ?, rows_done = ?, finished = ?, updated_at = ? WHERE job = ?")) {
                ps.setString(1, position);
                ps.setLong(2, rows);
                ps.setInt(3, finished);
                ps.setTimestamp(4, Timestamp.from(clock.instant()));
                ps.setString(5, job);
                updated = ps.executeUpdate();
            }
            if (updated == 0) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                        + " (job, position, rows_done, finished, updated_at) VALUES (?, ?, ?, ?, ?)")) {
                    ps.setString(1, job);
                    ps.setString(2, position);
                    ps.setLong(3, rows);
                    ps.setInt(4, finished);
                    ps.setTimestamp(5, Timestamp.from(clock.instant()));
                    ps.executeUpdate();
                }
            }
        }
    }

    private void createIfAbsent() throws SQLException {
        if (created) {
            return;
        }
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " (job VARCHAR(200) NOT NULL PRIMARY KEY,"
                    + " position VARCHAR(255) NULL, rows_done BIGINT NOT NULL, finished INT NOT NULL,"
                    + " updated_at TIMESTAMP NULL)");
        }
        created = true;
    }
}
