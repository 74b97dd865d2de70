package io.github.dualwrite.sync;

import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.config.RoutingKey;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.TableConfig;
import io.github.dualwrite.config.UnitConfig;
import io.github.dualwrite.routing.Router;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
 * The one repair primitive: makes the rows of one user (or one primary key) on the non-authoritative side
 * equal to the authoritative side's. Journal repair, verifier fixes and change-log replay all end here.
 *
 * <p>In a transaction on the authority it reads the user's rows {@code FOR UPDATE}; reads the same rows on
 * the other side; inserts the missing ones, updates the different ones, deletes the ones the authority
 * does not have; commits the other side, and only then releases the authority's locks. A dual write of the
 * same rows needs those locks for its authoritative half, so it runs entirely before or entirely after the
 * sync and the two never interleave. (Rows inserted for the same user meanwhile are held back by InnoDB's
 * next-key locks on MySQL/MariaDB; on databases without gap locks the verifier's recheck catches them.)
 *
 * <p>The side that is authoritative is the one the document in force gives the user at sync time. Give it
 * the raw DataSources, never the dual-write one. Thread-safe.
 */
public final class RowSync {

    private final DataSource oldDataSource;
    private final DataSource newDataSource;
    private final MigrationControl control;
    private final Router router;
    private final Map<String, TableAccess> tables = new ConcurrentHashMap<>();

    /** A RowSync over the raw old and new DataSources, following {@code control}. */
    public RowSync(DataSource oldDataSource, DataSource newDataSource, MigrationControl control) {
        this.oldDataSource = Objects.requireNonNull(oldDataSource, "oldDataSource");
        this.newDataSource = Objects.requireNonNull(newDataSource, "newDataSource");
        this.control = Objects.requireNonNull(control, "control");
        this.router = new Router(control);
    }

    /**
     * Makes the other side's rows of {@code routingKey} in {@code table} equal to the authority's.
     *
     * @throws SQLException when a side fails; nothing is half-applied on the target side
     * @throws IllegalArgumentException for an unknown unit or a table outside the unit
     */
    public SyncResult sync(String unit, String table, Object routingKey) throws SQLException {
        RoutingKey key = RoutingKey.of(routingKey);
        TableAccess access = access(unit, table);
        Side authority = router.route(unit, key).authority();
        Side target = authority.other();
        try (Connection a = dataSource(authority).getConnection(); Connection t = dataSource(target).getConnection()) {
            a.setAutoCommit(false);
            t.setAutoCommit(false);
            try {
                Map<TableAccess.Key, Object[]> trusted = read(access, a, access.byRoutingKey(authority, true), key);
                Map<TableAccess.Key, Object[]> other = read(access, t, access.byRoutingKey(target, true), key);
                int[] counts = apply(access, target, t, trusted, other);
                t.commit();
                a.commit();
                return new SyncResult(unit, table, key.toString(), authority, target, counts[0], counts[1], counts[2]);
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(t, e);
                rollbackQuietly(a, e);
                throw e;
            }
        }
    }

    /**
     * Syncs the row with this primary key: finds the user(s) it belongs to on either side and syncs them
     * (two users when the row moved between users).
     *
     * @return the combined result; {@code changed() == false} when neither side has the row
     */
    public SyncResult syncRow(String unit, String table, List<Object> primaryKey) throws SQLException {
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
        SyncResult result = null;
        for (Object owner : owners) {
            SyncResult r = sync(unit, table, owner);
            result = result == null ? r : result.plus(r);
        }
        return result != null ? result
                : new SyncResult(unit, table, "pk=" + primaryKey, Side.OLD, Side.NEW, 0, 0, 0);
    }

    /**
     * Deletes every copy of a primary key on the new side, in whatever shard it sits (ShardingSphere runs a
     * delete without routing key on every shard), then syncs its user from the authority: the way to remove
     * a copy left in a shard the router would never pick.
     */
    public SyncResult purgeAndSync(String unit, String table, List<Object> primaryKey, Object routingKey)
            throws SQLException {
        TableAccess access = access(unit, table);
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
        Map<TableAccess.Key, Object[]> rows = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bindKey(ps, 1, key);
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
                               Map<TableAccess.Key, Object[]> other) throws SQLException {
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

    private static void rollbackQuietly(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }
}
