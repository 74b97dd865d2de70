package io.github.dualwrite.journal;

import io.github.dualwrite.config.Side;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal as a table (default {@code dualwrite_journal}), created if absent on H2, MySQL/MariaDB or
 * PostgreSQL. Written with its own autocommit connections, so an entry is durable whatever happens to the
 * business transaction. Give it the raw old DataSource, never the dual-write one.
 */
public final class JdbcJournal implements Journal {

    /** The default table name. */
    public static final String DEFAULT_TABLE = "dualwrite_journal";

    private static final Logger log = LoggerFactory.getLogger(JdbcJournal.class);

    private final DataSource dataSource;
    private final String table;
    private final AtomicLong lost = new AtomicLong();
    private volatile boolean created;

    /** A journal in {@code table} on {@code dataSource}; the table is created on first use. */
    public JdbcJournal(DataSource dataSource, String table) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        if (table == null || !table.matches("[A-Za-z_][A-Za-z0-9_]{0,63}")) {
            throw new IllegalArgumentException("journal table must be a plain identifier but was " + table);
        }
        this.table = table;
    }

    /** A journal in {@code dualwrite_journal}. */
    public JdbcJournal(DataSource dataSource) {
        this(dataSource, DEFAULT_TABLE);
    }

    /** The table's name. */
    public String table() {
        return table;
    }

    @Override
    public void record(List<JournalEntry> entries) {
        try {
            tryRecord(entries);
        } catch (SQLException | RuntimeException e) {
            for (JournalEntry entry : entries) {
                lost.incrementAndGet();
                log.error("dualwrite journal LOST an entry (table {} failed: {}): {}", table, e.getMessage(), entry.describe());
            }
        }
    }

    /** Stores the entries in one transaction, or throws. */
    public void tryRecord(List<JournalEntry> entries) throws SQLException {
        store(entries, false);
    }

    /** Stores entries that may already be stored (a replay): those with a known entry id are skipped. */
    void replay(List<JournalEntry> entries) throws SQLException {
        store(entries, true);
    }

    private void store(List<JournalEntry> entries, boolean skipKnown) throws SQLException {
        if (entries.isEmpty()) {
            return;
        }
        createIfAbsent();
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                insert(c, entries, skipKnown);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
    }

    private void insert(Connection c, List<JournalEntry> entries, boolean skipKnown) throws SQLException {
        String exists = "SELECT 1 FROM " + table + " WHERE entry_id = ?";
        String insert = "INSERT INTO " + table + " (" + JournalSchema.INSERT_COLUMNS + ") VALUES"
                + " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (PreparedStatement check = c.prepareStatement(exists); PreparedStatement ps = c.prepareStatement(insert)) {
            int batched = 0;
            for (JournalEntry e : entries) {
                if (skipKnown) {
                    check.setString(1, e.entryId());
                    try (ResultSet rs = check.executeQuery()) {
                        if (rs.next()) {
                            continue;
                        }
                    }
                }
                bind(ps, e);
                ps.addBatch();
                batched++;
            }
            if (batched > 0) {
                ps.executeBatch();
            }
        }
    }

    private static void bind(PreparedStatement ps, JournalEntry e) throws SQLException {
        ps.setString(1, e.entryId());
        ps.setTimestamp(2, Timestamp.from(e.createdAt()));
        ps.setString(3, e.unit());
        ps.setString(4, e.table());
        ps.setString(5, JournalEntry.truncate(e.routingKey(), 255));
        ps.setString(6, JournalEntry.truncate(e.primaryKey(), 1024));
        ps.setString(7, e.operation());
        ps.setString(8, e.failedSide().name());
        ps.setString(9, e.sql());
        ps.setString(10, e.params());
        ps.setString(11, e.reason().name());
        ps.setString(12, JournalEntry.truncate(e.errorClass(), 255));
        ps.setString(13, JournalEntry.truncate(e.errorMessage(), 2000));
        ps.setString(14, e.status().name());
        ps.setInt(15, e.attempts());
        ps.setTimestamp(16, Timestamp.from(e.nextAttemptAt()));
        ps.setString(17, JournalEntry.truncate(e.leaseOwner(), 128));
        ps.setTimestamp(18, e.leaseUntil() == null ? null : Timestamp.from(e.leaseUntil()));
    }

    @Override
    public long pendingCount() {
        String sql = "SELECT COUNT(*) FROM " + table + " WHERE status = 'PENDING'";
        try {
            createIfAbsent();
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count the journal in table " + table + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<JournalEntry> read(long afterId, int limit) {
        String sql = "SELECT " + JournalSchema.SELECT_COLUMNS + " FROM " + table + " WHERE id > ? ORDER BY id";
        try {
            createIfAbsent();
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, afterId);
                ps.setMaxRows(limit);
                List<JournalEntry> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(entry(rs));
                    }
                }
                return out;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the journal in table " + table + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<JournalEntry> claim(String owner, int limit, Instant now, java.time.Duration lease) {
        String candidates = "SELECT id FROM " + table + " WHERE status = 'PENDING' AND next_attempt_at <= ?"
                + " AND (lease_until IS NULL OR lease_until < ?) ORDER BY id";
        // one UPDATE per candidate: whoever changes the row holds the lease, on every database
        String take = "UPDATE " + table + " SET lease_owner = ?, lease_until = ? WHERE id = ? AND status = 'PENDING'"
                + " AND (lease_until IS NULL OR lease_until < ?)";
        String read = "SELECT " + JournalSchema.SELECT_COLUMNS + " FROM " + table + " WHERE id = ?";
        try {
            createIfAbsent();
            List<Long> ids = new ArrayList<>();
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(candidates)) {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setTimestamp(2, Timestamp.from(now));
                ps.setMaxRows(limit * 2);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
                List<JournalEntry> claimed = new ArrayList<>();
                try (PreparedStatement up = c.prepareStatement(take); PreparedStatement get = c.prepareStatement(read)) {
                    for (Long id : ids) {
                        if (claimed.size() >= limit) {
                            break;
                        }
                        up.setString(1, owner);
                        up.setTimestamp(2, Timestamp.from(now.plus(lease)));
                        up.setLong(3, id);
                        up.setTimestamp(4, Timestamp.from(now));
                        if (up.executeUpdate() == 1) {
                            get.setLong(1, id);
                            try (ResultSet rs = get.executeQuery()) {
                                if (rs.next()) {
                                    claimed.add(entry(rs));
                                }
                            }
                        }
                    }
                }
                return claimed;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot claim journal entries in table " + table + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean complete(long id, String owner) {
        return update("UPDATE " + table + " SET status = 'DONE', lease_owner = NULL, lease_until = NULL"
                + " WHERE id = ? AND lease_owner = ?", ps -> {
                    ps.setLong(1, id);
                    ps.setString(2, owner);
                });
    }

    @Override
    public boolean fail(long id, String owner, int attempts, Instant nextAttemptAt, boolean dead, String error) {
        return update("UPDATE " + table + " SET status = ?, attempts = ?, next_attempt_at = ?, error_message = ?,"
                + " lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?", ps -> {
                    ps.setString(1, dead ? "DEAD" : "PENDING");
                    ps.setInt(2, attempts);
                    ps.setTimestamp(3, Timestamp.from(nextAttemptAt));
                    ps.setString(4, JournalEntry.truncate(error, 2000));
                    ps.setLong(5, id);
                    ps.setString(6, owner);
                });
    }

    @Override
    public java.util.Map<JournalEntry.Status, Long> countByStatus() {
        String sql = "SELECT status, COUNT(*) FROM " + table + " GROUP BY status";
        java.util.Map<JournalEntry.Status, Long> out = new java.util.EnumMap<>(JournalEntry.Status.class);
        for (JournalEntry.Status s : JournalEntry.Status.values()) {
            out.put(s, 0L);
        }
        try {
            createIfAbsent();
            try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    out.put(JournalEntry.Status.valueOf(rs.getString(1)), rs.getLong(2));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count the journal in table " + table + ": " + e.getMessage(), e);
        }
    }

    /** Binds a statement's parameters. */
    @FunctionalInterface
    private interface Binding {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private boolean update(String sql, Binding binding) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binding.bind(ps);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot update the journal in table " + table + ": " + e.getMessage(), e);
        }
    }

    static JournalEntry entry(ResultSet rs) throws SQLException {
        return new JournalEntry(rs.getLong(1), rs.getString(2), instant(rs.getTimestamp(3)), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), Side.valueOf(rs.getString(9)),
                rs.getString(10), rs.getString(11), JournalEntry.Reason.valueOf(rs.getString(12)), rs.getString(13),
                rs.getString(14), JournalEntry.Status.valueOf(rs.getString(15)), rs.getInt(16),
                instant(rs.getTimestamp(17)), rs.getString(18), instant(rs.getTimestamp(19)));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    @Override
    public long lostCount() {
        return lost.get();
    }

    @Override
    public void close() {
        // the DataSource belongs to the caller
    }

    /** Creates the table if it does not exist yet; safe to call many times. */
    public void createIfAbsent() throws SQLException {
        if (created) {
            return;
        }
        synchronized (this) {
            if (created) {
                return;
            }
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                for (String ddl : JournalSchema.create(c.getMetaData().getDatabaseProductName(), table)) {
                    s.execute(ddl);
                }
            }
            created = true;
        }
    }
}
