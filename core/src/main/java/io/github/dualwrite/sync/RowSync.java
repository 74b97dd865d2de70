package io.github.dualwrite.sync;

import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.config.RoutingKey;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.TableConfig;
import io.github.dualwrite.config.UnitConfig;
import io.github.dualwrite.journal.Journal;
import io.github.dualwrite.routing.Router;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * The one repair primitive: makes one user's rows (or one primary key's) on one side equal to the other
 * side's. Journal repair, verifier fixes and change-log replay all end here.
 *
 * <p>In a transaction on the side copied from it reads the user's rows {@code FOR UPDATE}; reads the same
 * rows on the other side; inserts the missing ones, updates the different ones, deletes the ones the source
 * does not have; commits the target, and only then releases the source's locks. A dual write of the same
 * rows needs those locks for its first half, so it runs entirely before or entirely after the copy and the
 * two never interleave. (Rows inserted for the same user meanwhile are held back by InnoDB's next-key locks
 * on MySQL/MariaDB; on databases without gap locks the verifier's recheck catches them.)
 *
 * <p>Two directions: {@link #repair} copies the way a journal entry says (from the side that was the
 * authority when the write happened, whatever the stage is now) and refuses, as a {@link Conflict},
 * to overwrite a newer row on a target that has since become the authority; {@link #sync} copies from the
 * side that is the authority now (verifier, backfill) and refuses users the journal says that side is behind
 * for. Give it the raw DataSources, never the dual-write one. Thread-safe.
 */
public final class RowSync {

    private final DataSource oldDataSource;
    private final DataSource newDataSource;
    private final MigrationControl control;
    private final Router router;
    private final Map<String, TableAccess> tables = new ConcurrentHashMap<>();
    private final Journal journal;
    private final LiveWrites live;
    private final java.time.Duration fenceTimeout = java.time.Duration.ofSeconds(5);

    /** The switch this RowSync follows (a verify it runs for the repairer follows the same). */
    MigrationControl control() {
        return control;
    }

    /** A RowSync over the raw old and new DataSources, following {@code control}, that knows no journal. */
    public RowSync(DataSource oldDataSource, DataSource newDataSource, MigrationControl control) {
        this(oldDataSource, newDataSource, control, null);
    }

    /**
     * A RowSync that also consults {@code journal} before {@link #sync} copies from today's authority: users
     * whose entries say that side is behind are left to the repairer.
     */
    public RowSync(DataSource oldDataSource, DataSource newDataSource, MigrationControl control, Journal journal) {
        this(oldDataSource, newDataSource, control, journal, null);
    }

    /**
     * A RowSync that also knows this process's live writes ({@link io.github.dualwrite.DualWriteDataSource#rowSync()}
     * builds it): copies wait for the user's writes that take the other side first, and a copy toward the side
     * live writes take first changes nothing it cannot prove is older.
     */
    public RowSync(DataSource oldDataSource, DataSource newDataSource, MigrationControl control, Journal journal,
                   LiveWrites live) {
        this.oldDataSource = Objects.requireNonNull(oldDataSource, "oldDataSource");
        this.newDataSource = Objects.requireNonNull(newDataSource, "newDataSource");
        this.control = Objects.requireNonNull(control, "control");
        this.router = new Router(control);
        this.journal = journal;
        this.live = live;
    }

    /**
     * Makes the other side's rows of {@code routingKey} in {@code table} equal to those of the side that is
     * the authority for the user now.
     *
     * @throws SQLException when a side fails (nothing is half-applied on the target side), or, SQLState
     *         0A000, when the journal says the authority itself is behind for this user (the repairer must
     *         copy the other way first)
     * @throws IllegalArgumentException for an unknown unit or a table outside the unit
     */
    public Result sync(String unit, String table, Object routingKey) throws SQLException {
        RoutingKey key = RoutingKey.of(routingKey);
        Side authority = router.route(unit, key).authority();
        if (journal != null) {
            long behind = journalBehind(unit, table, key, authority);
            if (behind > 0) {
                throw new SQLException("dualwrite: the journal holds " + behind + " unrepaired entries saying " + authority
                        + " is behind for user " + key + " in " + table + "; copying " + authority + " over "
                        + authority.other() + " could revert those writes: let the repairer finish first", "0A000");
            }
        }
        try {
            return copy(new Request(unit, table, key, null, false, authority), authority);
        } catch (Conflict conflict) {
            throw new SQLException("dualwrite: " + conflict.getMessage(), "0A000", conflict);
        }
    }

    /** Unrepaired entries saying {@code side} is behind for the user's rows of {@code table}. */
    private long journalBehind(String unit, String table, RoutingKey key, Side side) {
        long behind = 0;
        for (Journal.UnresolvedGroup g : journal.unresolved(unit, List.of(key.toString()), side)) {
            if (g.table().equalsIgnoreCase(table) && g.behind() == side) {
                behind += g.count();
            }
        }
        return behind;
    }

    /**
     * Repairs as a journal entry says: copies the user's rows from {@code trusted} (the side that was the
     * authority when the write happened) to the other side, whatever the stage is now. It never changes
     * {@code trusted}. When the target has since become the authority and holds a row newer than the source's
     * (by the version column), nothing is changed and a {@link Conflict} says why.
     *
     * @param checked whether to look for newer rows on a target that became the authority (false only for a
     *                person's decision, {@link io.github.dualwrite.journal.JournalEntry.Reason#RESOLVED})
     */
    public Result repair(String unit, String table, Object routingKey, Side trusted, boolean checked)
            throws SQLException, Conflict {
        return copy(new Request(unit, table, RoutingKey.of(routingKey), null, checked), trusted);
    }

    /**
     * Like {@link #repair} for some rows of the user only, by their single-column primary keys: what journal
     * entries that name their rows need, without reading a user's whole history.
     */
    public Result repairRows(String unit, String table, Object routingKey, List<Object> primaryKeys, Side trusted,
                                 boolean checked) throws SQLException, Conflict {
        if (access(unit, table).primaryKey.size() != 1 || primaryKeys.isEmpty()) {
            return repair(unit, table, routingKey, trusted, checked);
        }
        return copy(new Request(unit, table, RoutingKey.of(routingKey), primaryKeys, checked), trusted);
    }

    /** Like {@link #repair} for the row with this primary key (its user on either side, two if it moved). */
    public Result repairRow(String unit, String table, List<Object> primaryKey, Side trusted, boolean checked)
            throws SQLException, Conflict {
        Result result = null;
        for (Object owner : owners(unit, table, primaryKey)) {
            Result r = repair(unit, table, owner, trusted, checked);
            result = result == null ? r : result.plus(r);
        }
        return result != null ? result
                : new Result(unit, table, "pk=" + primaryKey, trusted, trusted.other(), 0, 0, 0);
    }

    /**
     * Copies one user's rows from {@code from} to the other side, locking {@code from} first. When live writes
     * of the user take the target first (the side behind has since become the authority), a copy could delete
     * a row a write committed there and not yet on {@code from}: then only rows missing on the target are
     * added, and anything else (a row to delete, a row to change that is not older) is a conflict.
     */
    private Result copy(Request request, Side from) throws SQLException, Conflict {
        access(request.unit(), request.table()); // discovered before any connection is held: discovery takes its own
        try (LiveWrites.Fence fence = live == null ? null : live.enter(request.unit(), request.key(), from, fenceTimeout);
             Connection a = dataSource(from).getConnection(); Connection t = dataSource(from.other()).getConnection()) {
            a.setAutoCommit(false);
            t.setAutoCommit(false);
            try {
                Result result = copyLocked(request, from, a, t);
                t.commit();
                a.commit();
                return result;
            } catch (SQLException | RuntimeException | Conflict e) {
                rollbackQuietly(t, e);
                rollbackQuietly(a, e);
                throw e;
            }
        }
    }

    /**
     * One user's repair for {@link #repairAll}: their rows of a table, all or by single-column keys.
     *
     * @param expected for a {@link #sync}: the authority it copies from, checked again once the rows are locked;
     *                 null for a journal repair
     */
    public record Request(String unit, String table, RoutingKey key, List<Object> rows, boolean checked, Side expected) {

        /** A journal repair. */
        public Request(String unit, String table, RoutingKey key, List<Object> rows, boolean checked) {
            this(unit, table, key, rows, checked, null);
        }
    }

    /** How one request of {@link #repairAll} ended: what changed, or why nothing did. */
    public record Outcome(Request request, Result result, Conflict conflict) {
    }

    /**
     * Repairs several users from {@code trusted} in one transaction per side (one commit for all of them, where
     * a drain spends most of its time): each as {@link #repair} would, a conflict leaving that user unchanged.
     *
     * @throws SQLException when a side fails: nothing of any request is applied (repair them one by one)
     */
    public List<Outcome> repairAll(List<Request> requests, Side trusted) throws SQLException {
        for (Request r : requests) {
            access(r.unit(), r.table()); // discovered before any connection is held: discovery takes its own
        }
        List<LiveWrites.Fence> fences = new ArrayList<>();
        try {
            if (live != null) {
                // in one order across every chunk: two chunks copying opposite ways never wait on each other in a cycle
                java.util.SortedSet<Map.Entry<String, RoutingKey>> users = new java.util.TreeSet<>(
                        Map.Entry.<String, RoutingKey>comparingByKey().thenComparing(Map.Entry.comparingByValue()));
                for (Request r : requests) {
                    users.add(Map.entry(r.unit(), r.key()));
                }
                for (Map.Entry<String, RoutingKey> u : users) {
                    fences.add(live.enter(u.getKey(), u.getValue(), trusted, fenceTimeout));
                }
            }
            try (Connection a = dataSource(trusted).getConnection(); Connection t = dataSource(trusted.other()).getConnection()) {
                a.setAutoCommit(false);
                t.setAutoCommit(false);
                try {
                    List<Outcome> out = new ArrayList<>(requests.size());
                    for (Request r : requests) {
                        try {
                            out.add(new Outcome(r, copyLocked(r, trusted, a, t), null));
                        } catch (Conflict c) {
                            out.add(new Outcome(r, null, c));
                        }
                    }
                    t.commit();
                    a.commit();
                    return out;
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(t, e);
                    rollbackQuietly(a, e);
                    throw e;
                }
            }
        } finally {
            fences.forEach(LiveWrites.Fence::close);
        }
    }

    /**
     * Copies one user's rows from {@code from} to the other side within open transactions, locking {@code from}
     * first. When live writes of the user take the target first (the side behind has since become the
     * authority), a copy could delete a row a write committed there and not yet on {@code from}: then only rows
     * missing on the target are added, and anything else (a row to delete, a row to change that is not older)
     * is a conflict, with nothing changed for the user.
     */
    private Result copyLocked(Request r, Side from, Connection a, Connection t) throws SQLException, Conflict {
        TableAccess access = access(r.unit(), r.table());
        Side target = from.other();
        RoutingKey key = r.key();
        List<Object> keys = r.rows();
        Map<TableAccess.Key, Object[]> source = keys == null ? read(access, a, access.byRoutingKey(from, true), key)
                : read(access, a, access.byRoutingKeyAndKeys(from, keys.size()), key, keys);
        Map<TableAccess.Key, Object[]> other = keys == null ? read(access, t, access.byRoutingKey(target, true), key)
                : read(access, t, access.byRoutingKeyAndKeys(target, keys.size()), key, keys);
        // decided once the rows are locked: a move or a journal entry that came in meanwhile counts
        Router.Route now = router.route(r.unit(), key);
        if (r.expected() != null) {
            Side authority = live != null ? live.authority(r.unit(), r.table(), key) : now.authority();
            if (authority != r.expected()) {
                throw new SQLException("dualwrite: the authority of user " + key + " in unit " + r.unit() + " moved to "
                        + authority + " while its rows were being copied from " + r.expected() + "; nothing was changed,"
                        + " run it again", "40001");
            }
            if (journal != null && journalBehind(r.unit(), r.table(), key, from) > 0) {
                throw new SQLException("dualwrite: the journal now holds entries saying " + from + " is behind for user "
                        + key + " in " + r.table() + "; nothing was changed: let the repairer finish first", "0A000");
            }
        }
        Side first = live != null ? live.authority(r.unit(), r.table(), key) : now.authority();
        if (r.checked() && (first == target || now.authority() == target)) {
            // strict when this process's writes take the target first, or when the source is no longer written
            // at all (other instances' writes are not fenced here): then a row only the target has may be one
            // an acknowledged write put there
            boolean strict = first == target || now.secondary() == null;
            String refused = strict ? unprovable(access, source, other) : newer(access, source, other);
            if (refused != null) {
                throw new Conflict("user " + key + " in " + r.table() + ": " + target + " has since become the"
                        + " authority and " + refused + "; nothing was changed", Conflicts.json(access, from, source, other));
            }
        }
        int[] counts = apply(access, target, t, source, other, a, from);
        return new Result(r.unit(), r.table(), key.toString(), from, target, counts[0], counts[1], counts[2]);
    }

    /**
     * Why copying toward the side live writes take first could undo a write, or null: a row only the target
     * has (deleting it could remove a row committed there and not yet on the source), or a row that differs
     * without the source's version being later.
     */
    private static String unprovable(TableAccess access, Map<TableAccess.Key, Object[]> source,
                                     Map<TableAccess.Key, Object[]> target) {
        for (Map.Entry<TableAccess.Key, Object[]> e : target.entrySet()) {
            Object[] theirs = source.get(e.getKey());
            if (theirs == null) {
                return "holds row " + e.getKey() + " that " + access.table + " on the other side does not";
            }
            if (!access.differences(theirs, e.getValue()).isEmpty() && (access.versionIndex < 0
                    || !Values.after(theirs[access.versionIndex], e.getValue()[access.versionIndex]))) {
                return "holds row " + e.getKey() + " in a version the other side's is not newer than";
            }
        }
        return null;
    }

    /** The first row the target holds in a newer version than the source (by the version column), or null. */
    private static String newer(TableAccess access, Map<TableAccess.Key, Object[]> source,
                                Map<TableAccess.Key, Object[]> target) {
        if (access.versionIndex < 0) {
            return null;
        }
        for (Map.Entry<TableAccess.Key, Object[]> e : target.entrySet()) {
            Object[] theirs = source.get(e.getKey());
            Object mine = e.getValue()[access.versionIndex];
            if (theirs != null && Values.after(mine, theirs[access.versionIndex])) {
                return "key " + e.getKey() + ": " + access.oldColumns.get(access.versionIndex) + " " + mine + " after "
                        + theirs[access.versionIndex];
            }
        }
        return null;
    }

    /** Both sides' rows of a user, read without locks, as JSON: what a CONFLICT entry keeps. */
    public String snapshot(String unit, String table, Object routingKey) throws SQLException {
        RoutingKey key = RoutingKey.of(routingKey);
        TableAccess access = access(unit, table);
        Map<TableAccess.Key, Object[]> old;
        Map<TableAccess.Key, Object[]> neu;
        try (Connection o = oldDataSource.getConnection(); Connection n = newDataSource.getConnection()) {
            old = read(access, o, access.byRoutingKey(Side.OLD, false), key);
            neu = read(access, n, access.byRoutingKey(Side.NEW, false), key);
        }
        return Conflicts.json(access, Side.OLD, old, neu);
    }

    /**
     * Syncs the row with this primary key: finds the user(s) it belongs to on either side and syncs them
     * (two users when the row moved between users).
     *
     * @return the combined result; {@code changed() == false} when neither side has the row
     */
    public Result syncRow(String unit, String table, List<Object> primaryKey) throws SQLException {
        Result result = null;
        for (Object owner : owners(unit, table, primaryKey)) {
            Result r = sync(unit, table, owner);
            result = result == null ? r : result.plus(r);
        }
        return result != null ? result
                : new Result(unit, table, "pk=" + primaryKey, Side.OLD, Side.NEW, 0, 0, 0);
    }

    /** The users a primary key belongs to on either side. */
    private Set<Object> owners(String unit, String table, List<Object> primaryKey) throws SQLException {
        TableAccess access = access(unit, table);
        Set<Object> owners = new LinkedHashSet<>();
        for (Side side : Side.values()) {
            try (Connection c = dataSource(side).getConnection();
                 PreparedStatement ps = c.prepareStatement(access.byPrimaryKey(side))) {
                for (int i = 0; i < primaryKey.size(); i++) {
                    ps.setObject(i + 1, primaryKey.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        owners.add(RoutingKey.of(access.read(rs)[access.routingIndex]));
                    }
                }
            }
        }
        return owners;
    }

    /**
     * Deletes every copy of a primary key on the new side, in whatever shard it sits (ShardingSphere runs a
     * delete without routing key on every shard), then syncs its user from the authority: the way to remove
     * a copy left in a shard the router would never pick.
     */
    public Result purgeAndSync(String unit, String table, List<Object> primaryKey, Object routingKey)
            throws SQLException {
        TableAccess access = access(unit, table);
        if (router.route(unit, RoutingKey.of(routingKey)).authority() == Side.NEW) {
            // the routed copy is the authority's row: deleting every copy would lose it on both sides
            throw new SQLException("dualwrite: primary key " + primaryKey + " of " + table + " is in several shards of the"
                    + " new side, which is the authority of user " + routingKey + ": delete the copy in the shard the"
                    + " router does not pick by hand (explain --key " + routingKey + " names the right one)", "0A000");
        }
        try (Connection c = newDataSource.getConnection(); PreparedStatement ps = c.prepareStatement(access.deleteEverywhere())) {
            for (int i = 0; i < primaryKey.size(); i++) {
                ps.setObject(i + 1, primaryKey.get(i));
            }
            ps.executeUpdate();
        }
        return sync(unit, table, routingKey);
    }

    /** The table as the sync tools see it (columns shared by both sides), discovered once. */
    TableAccess access(String unit, String table) throws SQLException {
        String cacheKey = unit + '.' + table.toLowerCase(java.util.Locale.ROOT);
        TableAccess access = tables.get(cacheKey);
        if (access == null) {
            UnitConfig u = control.current().config().unit(unit).orElseThrow(() -> new IllegalArgumentException(
                    "no migration unit '" + unit + "'; units: " + control.current().config().units().keySet()));
            TableConfig t = u.table(table).orElseThrow(() -> new IllegalArgumentException(
                    "table " + table + " is not in unit " + unit + "; its tables: " + u.tables().keySet()));
            access = TableAccess.discover(u, t, oldDataSource, newDataSource);
            tables.put(cacheKey, access);
        }
        return access;
    }

    DataSource dataSource(Side side) {
        return side == Side.OLD ? oldDataSource : newDataSource;
    }

    private static Map<TableAccess.Key, Object[]> read(TableAccess access, Connection c, String sql, RoutingKey key)
            throws SQLException {
        return read(access, c, sql, key, List.of());
    }

    private static Map<TableAccess.Key, Object[]> read(TableAccess access, Connection c, String sql, RoutingKey key,
                                                       List<Object> keys) throws SQLException {
        Map<TableAccess.Key, Object[]> rows = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bindKey(ps, 1, key);
            for (int i = 0; i < keys.size(); i++) {
                ps.setObject(i + 2, keys.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Object[] row = access.read(rs);
                    rows.put(access.key(row), row);
                }
            }
        }
        return rows;
    }

    static void bindKey(PreparedStatement ps, int index, RoutingKey key) throws SQLException {
        if (key.isIntegral()) {
            ps.setLong(index, key.longValue());
        } else {
            ps.setString(index, key.toString());
        }
    }

    /** Inserts, updates and deletes on the target; returns {inserted, updated, deleted}. */
    private static int[] apply(TableAccess access, Side target, Connection t, Map<TableAccess.Key, Object[]> trusted,
                               Map<TableAccess.Key, Object[]> other, Connection source, Side from) throws SQLException {
        List<Object[]> inserts = new ArrayList<>();
        List<Object[]> updates = new ArrayList<>();
        List<Object[]> deletes = new ArrayList<>();
        trusted.forEach((k, row) -> {
            Object[] theirs = other.get(k);
            if (theirs == null) {
                inserts.add(row);
            } else if (!access.differences(row, theirs).isEmpty()) {
                updates.add(row);
            }
        });
        other.forEach((k, row) -> {
            if (!trusted.containsKey(k)) {
                deletes.add(row);
            }
        });
        if (!deletes.isEmpty()) {
            deletes.removeIf(row -> committedMeanwhile(access, from, source, row));
        }
        if (!deletes.isEmpty()) {
            try (PreparedStatement ps = t.prepareStatement(access.delete(target))) {
                for (Object[] row : deletes) {
                    access.bindKeyAndRouting(ps, row);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        if (!updates.isEmpty()) {
            try (PreparedStatement ps = t.prepareStatement(access.update(target, false))) {
                for (Object[] row : updates) {
                    access.bindUpdate(ps, row, false);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        if (!inserts.isEmpty()) {
            try (PreparedStatement ps = t.prepareStatement(access.insert(target))) {
                for (Object[] row : inserts) {
                    access.bindRow(ps, row, 0);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        return new int[] {inserts.size(), updates.size(), deletes.size()};
    }

    /**
     * Whether a row the source lacked when it was read has been committed there since: a write that inserted
     * it on both sides may have committed on the source after the source was read and on the target before the
     * target was read. Databases without gap locks (H2, PostgreSQL) let that happen; such a row is not deleted.
     */
    private static boolean committedMeanwhile(TableAccess access, Side from, Connection source, Object[] row) {
        try (PreparedStatement ps = source.prepareStatement(access.byPrimaryKey(from) + " FOR UPDATE")) {
            for (int i = 0; i < access.primaryKey.size(); i++) {
                ps.setObject(i + 1, row[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            return true; // cannot tell: keep the row
        }
    }

    private static void rollbackQuietly(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * What one {@link RowSync#sync} changed.
     *
     * @param unit      the migration unit
     * @param table     the table
     * @param key       the routing key synced
     * @param authority the side read from (trusted)
     * @param target    the side written
     * @param inserted  rows the target was missing
     * @param updated   rows that differed
     * @param deleted   rows the authority does not have
     */
    public record Result(String unit, String table, String key, Side authority, Side target, int inserted, int updated,
                             int deleted) {

        /** Whether the target had to change. */
        public boolean changed() {
            return inserted + updated + deleted > 0;
        }

        /** Adds two results' counts (same unit and table). */
        Result plus(Result other) {
            return new Result(unit, table, key + "," + other.key, authority, target, inserted + other.inserted,
                    updated + other.updated, deleted + other.deleted);
        }
    }

    /**
     * A repair that would overwrite or delete what the side behind has since written as the authority: nothing
     * was changed; the entry becomes a CONFLICT with both sides' rows, for a person to decide.
     */
    public static final class Conflict extends Exception {

        private static final long serialVersionUID = 1L;

        private final String detail;

        /** A conflict with its reason and both sides' rows as JSON. */
        public Conflict(String reason, String detail) {
            super(reason);
            this.detail = detail;
        }

        /** Both sides' rows, as JSON. */
        public String detail() {
            return detail;
        }
    }

    /**
     * What the dual-write engine of this process knows about live writes, for repairs that run beside them
     * ({@link io.github.dualwrite.DualWriteDataSource#rowSync()} wires it in). A copy is only safe from the side
     * live writes of the user take first: their locks on that side then keep them and the copy apart.
     */
    public interface LiveWrites {

        /**
         * The side the user's writes take first now: the authority of their stage, or the side that is not behind
         * while the journal says their rows are behind on the authority.
         */
        Side authority(String unit, String table, Object routingKey);

        /**
         * Waits until no write of the user runs with the other side first, then keeps new ones from starting until
         * the returned fence is closed: a copy from {@code first} does not race a write that committed on the other
         * side and not yet on {@code first}.
         *
         * @throws SQLException when such writes are still running after {@code timeout}
         */
        Fence enter(String unit, Object routingKey, Side first, Duration timeout) throws SQLException;

        /** Held while copying; closing lets the user's writes with the other side first start again. */
        interface Fence extends AutoCloseable {
            @Override
            void close();
        }
    }
}
