package io.github.dualwrite.journal;

import io.github.dualwrite.config.Side;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal as a table (default {@code dualwrite_journal}), created if absent on H2, MySQL/MariaDB or
 * PostgreSQL. Written with its own autocommit connections, so an entry is durable whatever happens to the
 * business transaction. Give it a raw DataSource, never the dual-write one. Every instance of an application
 * shares the table: leases keep repairers apart, and the stage-move gate sees every instance's entries.
 */
public final class JdbcJournal implements Journal {

    /** The default table name. */
    public static final String DEFAULT_TABLE = "dualwrite_journal";

    private static final Logger log = LoggerFactory.getLogger(JdbcJournal.class);
    /** Ids per IN list: far below every database's limit on parameters. */
    private static final int IN_LIST = 1_000;

    private final DataSource dataSource;
    private final String table;
    private final AtomicLong lost = new AtomicLong();
    private final Listeners listeners = new Listeners();
    private volatile boolean created;
    private final JournalPolicy policy;
    private final java.time.Clock clock;
    private final Upkeep upkeep;

    /** A journal in {@code table} on {@code dataSource} with {@code policy}; the table is created on first use. */
    public JdbcJournal(DataSource dataSource, String table, JournalPolicy policy) {
        this(dataSource, table, policy, java.time.Clock.systemUTC());
    }

    /** With a clock of its own, for tests. */
    JdbcJournal(DataSource dataSource, String table, JournalPolicy policy, java.time.Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        if (table == null || !table.matches("[A-Za-z_][A-Za-z0-9_]{0,63}")) {
            throw new IllegalArgumentException("journal table must be a plain identifier but was " + table);
        }
        this.table = table;
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.upkeep = new Upkeep(policy, clock, "dualwrite journal table " + table, log::warn);
    }

    /** A journal in {@code table} on {@code dataSource} with {@link JournalPolicy#DEFAULTS}. */
    public JdbcJournal(DataSource dataSource, String table) {
        this(dataSource, table, JournalPolicy.DEFAULTS);
    }

    /** A journal in {@code dualwrite_journal}. */
    public JdbcJournal(DataSource dataSource) {
        this(dataSource, DEFAULT_TABLE);
    }

    /** What this journal keeps and for how long. */
    public JournalPolicy policy() {
        return policy;
    }

    /** Backlog warnings logged so far (pending entries above {@link JournalPolicy#backlogWarnThreshold()}). */
    public long backlogWarnings() {
        return upkeep.warnings();
    }

    /** DONE entries deleted by the retention purge so far. */
    public long purgedCount() {
        return upkeep.purged();
    }

    /** Whether the table lives behind {@code candidate} (the same data source object). */
    public boolean storesIn(DataSource candidate) {
        return dataSource == candidate;
    }

    /** The table's name. */
    public String table() {
        return table;
    }

    @Override
    public void record(List<JournalEntry> entries) {
        List<JournalEntry> kept = applyPolicy(entries);
        try {
            store(kept, false);
            listeners.recorded(kept);
        } catch (SQLException | RuntimeException e) {
            for (JournalEntry entry : kept) {
                lost.incrementAndGet();
                log.error("dualwrite journal LOST an entry (table {} failed: {}): {}", table, e.getMessage(), entry.describe());
            }
        }
    }

    /** Stores the entries (as the policy keeps them) in one transaction, or throws. */
    public void tryRecord(List<JournalEntry> entries) throws SQLException {
        List<JournalEntry> kept = applyPolicy(entries);
        store(kept, false);
        listeners.recorded(kept);
    }

    private List<JournalEntry> applyPolicy(List<JournalEntry> entries) {
        List<JournalEntry> out = new ArrayList<>(entries.size());
        for (JournalEntry e : entries) {
            out.add(policy.apply(e));
        }
        return out;
    }

    /** Stores entries that may already be stored (a replay): those with a known entry id are skipped. */
    void replay(List<JournalEntry> entries) throws SQLException {
        try {
            store(entries, true);
        } catch (SQLException e) {
            if (e.getSQLState() == null || !e.getSQLState().startsWith("23")) {
                throw e;
            }
            // one of them was stored between the check and the insert (a table write that hung, then went through):
            // rolled back whole, and the next check sees it
            store(entries, true);
        }
    }

    private void store(List<JournalEntry> entries, boolean skipKnown) throws SQLException {
        if (entries.isEmpty()) {
            return;
        }
        createIfAbsent();
        try (Connection c = dataSource.getConnection()) {
            if (entries.size() == 1 && !skipKnown && c.getAutoCommit()) {
                insert(c, entries, false); // one row is atomic by itself: no transaction, two round trips fewer
                return;
            }
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
                + " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
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
        ps.setString(7, e.operation().name());
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
        ps.setString(19, e.detail());
    }

    @Override
    public long pendingCount() {
        long pending = query("count the journal", "SELECT COUNT(*) FROM " + table + " WHERE status = 'PENDING'", ps -> { },
                rs -> rs.next() ? rs.getLong(1) : 0L);
        upkeep.backlog(pending);
        return pending;
    }

    @Override
    public List<JournalEntry> read(long afterId, int limit) {
        String sql = "SELECT " + JournalSchema.SELECT_COLUMNS + " FROM " + table + " WHERE id > ? ORDER BY id";
        return query("read the journal", sql, ps -> {
            ps.setLong(1, afterId);
            ps.setMaxRows(limit);
        }, JdbcJournal::entries);
    }

    /**
     * Three statements per batch whatever its size: the due ids, one UPDATE that leases those still free, and
     * one SELECT of the rows this lease took (identified by owner and lease time).
     */
    @Override
    public List<JournalEntry> claim(String owner, int limit, Instant now, Duration lease) {
        // walks index (status, id) in id order and stops after the limit
        String candidates = "SELECT id FROM " + table + " WHERE status = 'PENDING' AND next_attempt_at <= ?"
                + " AND (lease_until IS NULL OR lease_until < ?) ORDER BY id LIMIT " + limit;
        Instant until = now.plus(lease).truncatedTo(ChronoUnit.MILLIS);
        try {
            createIfAbsent();
            try (Connection c = dataSource.getConnection()) {
                List<Long> ids = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement(candidates)) {
                    ps.setTimestamp(1, Timestamp.from(now));
                    ps.setTimestamp(2, Timestamp.from(now));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getLong(1));
                        }
                    }
                }
                List<JournalEntry> claimed = new ArrayList<>();
                for (List<Long> chunk : chunks(ids)) {
                    String in = placeholders(chunk.size());
                    try (PreparedStatement up = c.prepareStatement("UPDATE " + table + " SET lease_owner = ?, lease_until = ?"
                            + " WHERE id IN (" + in + ") AND status = 'PENDING' AND (lease_until IS NULL OR lease_until < ?)")) {
                        up.setString(1, owner);
                        up.setTimestamp(2, Timestamp.from(until));
                        int p = 3;
                        for (Long id : chunk) {
                            up.setLong(p++, id);
                        }
                        up.setTimestamp(p, Timestamp.from(now));
                        if (up.executeUpdate() == 0) {
                            continue;
                        }
                    }
                    try (PreparedStatement get = c.prepareStatement("SELECT " + JournalSchema.SELECT_COLUMNS + " FROM " + table
                            + " WHERE id IN (" + in + ") AND lease_owner = ? AND lease_until = ? ORDER BY id")) {
                        int p = 1;
                        for (Long id : chunk) {
                            get.setLong(p++, id);
                        }
                        get.setString(p++, owner);
                        get.setTimestamp(p, Timestamp.from(until));
                        try (ResultSet rs = get.executeQuery()) {
                            claimed.addAll(entries(rs));
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
    public int complete(Collection<JournalEntry> entries, String owner) {
        List<JournalEntry> all = new ArrayList<>(entries);
        return listeners.complete(all, () -> {
            int done = 0;
            for (List<JournalEntry> chunk : chunks(all)) {
                String sql = "UPDATE " + table + " SET status = 'DONE', lease_owner = NULL, lease_until = NULL"
                        + " WHERE id IN (" + placeholders(chunk.size()) + ") AND lease_owner = ?";
                done += update(sql, ps -> {
                    int p = 1;
                    for (JournalEntry e : chunk) {
                        ps.setLong(p++, e.id());
                    }
                    ps.setString(p, owner);
                });
            }
            upkeep.purgeIfDue(this);
            return done;
        });
    }

    @Override
    public long purgeDone(Instant writtenBefore) {
        long deleted = 0;
        String pick = "SELECT id FROM " + table + " WHERE status = 'DONE' AND created_at < ? ORDER BY id LIMIT " + IN_LIST;
        for (int round = 0; round < 1_000; round++) { // a bounded amount of work per call: 1,000,000 rows
            List<Long> ids = query("find DONE entries to purge", pick, ps -> ps.setTimestamp(1, Timestamp.from(writtenBefore)),
                    rs -> {
                        List<Long> out = new ArrayList<>();
                        while (rs.next()) {
                            out.add(rs.getLong(1));
                        }
                        return out;
                    });
            if (ids.isEmpty()) {
                break;
            }
            deleted += update("DELETE FROM " + table + " WHERE status = 'DONE' AND id IN (" + placeholders(ids.size()) + ")",
                    ps -> {
                        for (int i = 0; i < ids.size(); i++) {
                            ps.setLong(i + 1, ids.get(i));
                        }
                    });
            if (ids.size() < IN_LIST) {
                break;
            }
        }
        return deleted;
    }

    @Override
    public boolean openOutage(JournalEntry outage) {
        try {
            tryRecord(List.of(outage));
            return true;
        } catch (SQLException | RuntimeException e) {
            log.warn("dualwrite journal table {} cannot take an outage entry ({}); skipped writes are journaled one by one",
                    table, e.getMessage());
            return false;
        }
    }

    @Override
    public boolean renewOutage(JournalEntry outage, Instant until) {
        return outageUpdate("next_attempt_at = ?", outage, ps -> {
            ps.setTimestamp(1, Timestamp.from(until));
            ps.setString(2, outage.entryId());
        });
    }

    @Override
    public boolean closeOutage(JournalEntry outage) {
        return outageUpdate("status = 'DONE'", outage, ps -> ps.setString(1, outage.entryId()));
    }

    /** Changes an outage entry while it is pending and no repairer holds it. */
    private boolean outageUpdate(String set, JournalEntry outage, Binding binding) {
        try {
            return update("UPDATE " + table + " SET " + set + " WHERE entry_id = ? AND status = 'PENDING'"
                    + " AND lease_owner IS NULL", binding) == 1;
        } catch (RuntimeException e) {
            log.debug("dualwrite journal: outage entry {} not changed: {}", outage.entryId(), e.getMessage());
            return false;
        }
    }

    @Override
    public boolean fail(long id, String owner, int attempts, Instant nextAttemptAt, boolean dead, String error) {
        return update("UPDATE " + table + " SET status = ?, attempts = ?, next_attempt_at = ?, error_message = ?,"
                + " lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?", ps -> {
                    ps.setString(1, dead ? "DEAD" : "PENDING");
                    ps.setInt(2, attempts);
                    ps.setTimestamp(3, Timestamp.from(nextAttemptAt));
                    ps.setString(4, JournalEntry.truncate(policy.applyToText(error), 2000));
                    ps.setLong(5, id);
                    ps.setString(6, owner);
                }) == 1;
    }

    @Override
    public boolean conflict(long id, String owner, String reason, String detail) {
        return update("UPDATE " + table + " SET status = 'CONFLICT', error_message = ?, detail = ?, lease_owner = NULL,"
                + " lease_until = NULL WHERE id = ? AND lease_owner = ?", ps -> {
                    ps.setString(1, JournalEntry.truncate(policy.applyToText(reason), 2000));
                    ps.setString(2, policy.applyToDetail(detail));
                    ps.setLong(3, id);
                    ps.setString(4, owner);
                }) == 1;
    }

    @Override
    public int resolve(String unit, String table, String routingKey, Side behind, String who, Instant now) {
        String close = "UPDATE " + this.table + " SET status = 'DONE', error_message = ?, lease_owner = NULL,"
                + " lease_until = NULL WHERE unit_name = ? AND table_name = ? AND routing_key = ? AND status <> 'DONE'";
        JournalEntry decision = JournalEntry.pending(now, unit, table, routingKey, null, JournalEntry.Operation.OTHER,
                behind, "-- resolved by " + who, null, JournalEntry.Reason.RESOLVED, null,
                who + " decided that " + behind + " is behind; the repairer copies " + behind.other() + " over it");
        try {
            createIfAbsent();
            try (Connection c = dataSource.getConnection()) {
                boolean autoCommit = c.getAutoCommit();
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement(close)) {
                    ps.setString(1, "closed: " + who + " decided that " + behind + " is behind");
                    ps.setString(2, unit);
                    ps.setString(3, table);
                    ps.setString(4, routingKey);
                    int closed = ps.executeUpdate();
                    insert(c, List.of(decision), false);
                    c.commit();
                    listeners.changed();
                    return closed;
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(autoCommit);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot resolve journal entries in table " + this.table + ": " + e.getMessage(), e);
        }
    }

    @Override
    public int retryDead(Instant now) {
        return update("UPDATE " + table + " SET status = 'PENDING', attempts = 0, next_attempt_at = ? WHERE status = 'DEAD'",
                ps -> ps.setTimestamp(1, Timestamp.from(now)));
    }

    @Override
    public Map<JournalEntry.Status, Long> countByStatus() {
        return query("count the journal", "SELECT status, COUNT(*) FROM " + table + " GROUP BY status", ps -> { }, rs -> {
            Map<JournalEntry.Status, Long> out = emptyCounts();
            while (rs.next()) {
                out.put(JournalEntry.Status.valueOf(rs.getString(1)), rs.getLong(2));
            }
            return out;
        });
    }

    @Override
    public Journal.Stats stats() {
        String sql = "SELECT status, failed_side, COUNT(*), MIN(created_at) FROM " + table + " GROUP BY status, failed_side";
        Journal.Stats stats = query("count the journal", sql, ps -> { }, JdbcJournal::stats);
        upkeep.backlog(stats.pending());
        return stats;
    }

    static Journal.Stats stats(ResultSet rs) throws SQLException {
        Map<Side, Long> pending = new EnumMap<>(Side.class);
        long dead = 0;
        long conflicts = 0;
        long done = 0;
        Instant oldest = null;
        while (rs.next()) {
            JournalEntry.Status status = JournalEntry.Status.valueOf(rs.getString(1));
            long n = rs.getLong(3);
            switch (status) {
                case PENDING -> pending.merge(Side.valueOf(rs.getString(2)), n, Long::sum);
                case DEAD -> dead += n;
                case CONFLICT -> conflicts += n;
                default -> done += n;
            }
            Instant first = instant(rs.getTimestamp(4));
            if (status.unresolved() && first != null && (oldest == null || first.isBefore(oldest))) {
                oldest = first;
            }
        }
        return new Journal.Stats(pending, dead, conflicts, done, oldest);
    }

    @Override
    public List<Journal.UnresolvedGroup> unresolved() {
        String sql = "SELECT unit_name, table_name, routing_key, failed_side, status, COUNT(*), MIN(created_at) FROM " + table
                + " WHERE status IN ('PENDING', 'DEAD', 'CONFLICT') GROUP BY unit_name, table_name, routing_key, failed_side, status";
        return query("read the unresolved journal entries", sql, ps -> { }, JdbcJournal::groups);
    }

    @Override
    public List<Journal.UnresolvedGroup> unresolved(String unit, Collection<String> routingKeys, Side behind) {
        List<Journal.UnresolvedGroup> out = new ArrayList<>();
        String select = "SELECT unit_name, table_name, routing_key, failed_side, status, COUNT(*), MIN(created_at) FROM "
                + table + " WHERE ";
        String group = " AND unit_name = ? GROUP BY unit_name, table_name, routing_key, failed_side, status";
        for (List<String> chunk : chunks(new ArrayList<>(routingKeys))) {
            String in = placeholders(chunk.size());
            // two index ranges (status, failed_side, routing_key): the side asked for, and conflicts of either side
            out.addAll(query("read the unresolved journal entries", select + "status IN ('PENDING', 'DEAD')"
                    + " AND failed_side = ? AND routing_key IN (" + in + ")" + group, ps -> {
                        ps.setString(1, behind.name());
                        bindKeys(ps, 2, chunk, unit);
                    }, JdbcJournal::groups));
            out.addAll(query("read the conflicting journal entries", select + "status = 'CONFLICT'"
                    + " AND failed_side IN ('OLD', 'NEW') AND routing_key IN (" + in + ")" + group,
                    ps -> bindKeys(ps, 1, chunk, unit), JdbcJournal::groups));
        }
        return out;
    }

    private static void bindKeys(PreparedStatement ps, int first, List<String> keys, String unit) throws SQLException {
        int p = first;
        for (String k : keys) {
            ps.setString(p++, k);
        }
        ps.setString(p, unit);
    }

    private static List<Journal.UnresolvedGroup> groups(ResultSet rs) throws SQLException {
        List<Journal.UnresolvedGroup> out = new ArrayList<>();
        while (rs.next()) {
            out.add(new Journal.UnresolvedGroup(rs.getString(1), rs.getString(2), rs.getString(3), Side.valueOf(rs.getString(4)),
                    JournalEntry.Status.valueOf(rs.getString(5)), rs.getLong(6), instant(rs.getTimestamp(7))));
        }
        return out;
    }

    @Override
    public void addListener(Journal.Listener listener) {
        listeners.add(listener);
    }

    static Map<JournalEntry.Status, Long> emptyCounts() {
        Map<JournalEntry.Status, Long> out = new EnumMap<>(JournalEntry.Status.class);
        for (JournalEntry.Status s : JournalEntry.Status.values()) {
            out.put(s, 0L);
        }
        return out;
    }

    /** Binds a statement's parameters. */
    @FunctionalInterface
    private interface Binding {
        void bind(PreparedStatement ps) throws SQLException;
    }

    /** Reads a statement's result. */
    @FunctionalInterface
    private interface Reading<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> T query(String what, String sql, Binding binding, Reading<T> reading) {
        try {
            createIfAbsent();
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
                binding.bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    return reading.read(rs);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot " + what + " in table " + table + ": " + e.getMessage(), e);
        }
    }

    private int update(String sql, Binding binding) {
        try {
            createIfAbsent();
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
                binding.bind(ps);
                return ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot update the journal in table " + table + ": " + e.getMessage(), e);
        }
    }

    private static <T> List<List<T>> chunks(List<T> all) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i += IN_LIST) {
            out.add(all.subList(i, Math.min(all.size(), i + IN_LIST)));
        }
        return out;
    }

    private static String placeholders(int n) {
        return "?, ".repeat(n - 1) + "?";
    }

    private static List<JournalEntry> entries(ResultSet rs) throws SQLException {
        List<JournalEntry> out = new ArrayList<>();
        while (rs.next()) {
            out.add(entry(rs));
        }
        return out;
    }

    static JournalEntry entry(ResultSet rs) throws SQLException {
        return new JournalEntry(rs.getLong(1), rs.getString(2), instant(rs.getTimestamp(3)), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getString(7), JournalEntry.Operation.valueOf(rs.getString(8)),
                Side.valueOf(rs.getString(9)), rs.getString(10), rs.getString(11),
                JournalEntry.Reason.valueOf(rs.getString(12)), rs.getString(13), rs.getString(14),
                JournalEntry.Status.valueOf(rs.getString(15)), rs.getInt(16), instant(rs.getTimestamp(17)),
                rs.getString(18), instant(rs.getTimestamp(19)), rs.getString(20));
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
