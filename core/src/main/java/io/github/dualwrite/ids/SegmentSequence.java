package io.github.dualwrite.ids;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * A segment allocator (Leaf-segment, TDDL sequence): table {@code dualwrite_sequence(name, next_value)} on a
 * database you name, one that outlives the old one. Each instance takes {@code step} ids at a time with one
 * {@code UPDATE ... SET next_value = next_value + step} and hands them out from memory, so ids are unique
 * across instances and restarts (a restart skips the rest of its segment) and increase within an instance.
 *
 * <p>A sequence that does not exist yet starts above its {@link Floor} (the engine's floor is the highest id on
 * either side plus a margin, seed 004's "raise the sequence"); preflight checks that a sequence is above both
 * sides' highest id. Thread-safe.
 */
public final class SegmentSequence implements IdGenerator {

    /** The default table name. */
    public static final String DEFAULT_TABLE = "dualwrite_sequence";

    /** Where a new sequence starts: it must be above every id either side already holds. */
    @FunctionalInterface
    public interface Floor {
        /** The highest id that may already exist for {@code name}; the sequence starts after it. */
        long highestIdInUse(String name) throws SQLException;
    }

    private final DataSource dataSource;
    private final String table;
    private final int step;
    private final Floor floor;
    private final Map<String, Segment> segments = new ConcurrentHashMap<>();
    private volatile boolean created;

    private SegmentSequence(Builder b) {
        this.dataSource = b.dataSource;
        this.table = b.table;
        this.step = b.step;
        this.floor = b.floor;
    }

    /** Configures a sequence whose table lives on {@code dataSource} (a raw pool, not the dual-write one). */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** The same sequence with another floor (the engine passes its own: the highest id on either side). */
    public SegmentSequence withFloor(Floor newFloor) {
        Builder b = new Builder(dataSource).table(table).step(step).floor(newFloor);
        return b.build();
    }

    @Override
    public Object nextId(String name) throws SQLException {
        return segments.computeIfAbsent(name, Segment::new).next();
    }

    /** The next value the table would hand out for {@code name}, empty when the sequence does not exist yet. */
    public OptionalLong peek(String name) throws SQLException {
        createIfAbsent();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT next_value FROM " + table + " WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        }
    }

    /** The table's name. */
    public String table() {
        return table;
    }

    /** Ids taken per round trip. */
    public int step() {
        return step;
    }

    /** The ids of one name this instance holds: {@code [next, end)}. */
    private final class Segment {
        private final String name;
        private long next;
        private long end;

        Segment(String name) {
            this.name = name;
        }

        synchronized long next() throws SQLException {
            if (next >= end) {
                long last = take(name);
                next = last - step;
                end = last;
            }
            return next++;
        }
    }

    /** Takes the next segment of {@code name}; returns its end (exclusive). */
    private long take(String name) throws SQLException {
        try {
            createIfAbsent();
            try {
                return takeOnce(name);
            } catch (SQLException e) {
                if (!isDuplicate(e)) {
                    throw e;
                }
                return takeOnce(name); // another instance created the sequence meanwhile: take from it
            }
        } catch (SQLException e) {
            throw new SQLException("dualwrite: cannot take ids for sequence '" + name + "' from table " + table + ": "
                    + e.getMessage(), e.getSQLState(), e);
        }
    }

    private long takeOnce(String name) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                Long end = advance(c, name);
                if (end == null) {
                    end = start(c, name);
                }
                c.commit();
                return end;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
    }

    private Long advance(Connection c, String name) throws SQLException {
        try (PreparedStatement up = c.prepareStatement("UPDATE " + table + " SET next_value = next_value + ? WHERE name = ?")) {
            up.setLong(1, step);
            up.setString(2, name);
            if (up.executeUpdate() == 0) {
                return null;
            }
        }
        try (PreparedStatement get = c.prepareStatement("SELECT next_value FROM " + table + " WHERE name = ?")) {
            get.setString(1, name);
            try (ResultSet rs = get.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Creates the sequence above its floor, holding its first segment. */
    private long start(Connection c, String name) throws SQLException {
        long first = Math.max(1, floor.highestIdInUse(name) + 1);
        try (PreparedStatement ins = c.prepareStatement("INSERT INTO " + table + " (name, next_value) VALUES (?, ?)")) {
            ins.setString(1, name);
            ins.setLong(2, first + step);
            ins.executeUpdate();
        }
        return first + step;
    }

    private static boolean isDuplicate(Exception e) {
        return e instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("23");
    }

    private void createIfAbsent() throws SQLException {
        if (created) {
            return;
        }
        synchronized (this) {
            if (!created) {
                try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE IF NOT EXISTS " + table
                            + " (name VARCHAR(128) NOT NULL PRIMARY KEY, next_value BIGINT NOT NULL)");
                }
                created = true;
            }
        }
    }

    @Override
    public String toString() {
        return "SegmentSequence[" + table + ", step " + step + "]";
    }

    /** Options of a {@link SegmentSequence}; checked as they are set. */
    public static final class Builder {
        private final DataSource dataSource;
        private String table = DEFAULT_TABLE;
        private int step = 1000;
        private Floor floor = name -> 0L;

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /** The table; default {@code dualwrite_sequence}. */
        public Builder table(String value) {
            if (value == null || !value.matches("[A-Za-z_][A-Za-z0-9_]{0,63}")) {
                throw new IllegalArgumentException("SegmentSequence table must be a plain identifier but was " + value);
            }
            this.table = value;
            return this;
        }

        /** Ids per segment (one round trip each); default 1000. */
        public Builder step(int value) {
            if (value < 1 || value > 1_000_000) {
                throw new IllegalArgumentException("SegmentSequence step must be 1..1000000 but was " + value);
            }
            this.step = value;
            return this;
        }

        /** Where new sequences start; default 1 (the engine replaces it with both sides' highest id plus a margin). */
        public Builder floor(Floor value) {
            this.floor = Objects.requireNonNull(value, "floor");
            return this;
        }

        /** Builds the sequence; its table is created on first use. */
        public SegmentSequence build() {
            return new SegmentSequence(this);
        }
    }
}
