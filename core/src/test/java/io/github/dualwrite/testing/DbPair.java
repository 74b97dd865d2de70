package io.github.dualwrite.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.apache.shardingsphere.driver.api.yaml.YamlShardingSphereDataSourceFactory;

/**
 * An old database and a new sharded one, with the {@link Schema} tables on both: the old side is one
 * database, the new side is ShardingSphere-JDBC over two databases ({@code ds_0}, {@code ds_1}) with four
 * tables each, sharded by {@code user_id} (database {@code user_id % 2}, table {@code (user_id / 2) % 4}).
 *
 * <p>{@link #h2(String)} runs everything in memory; {@link #mariaDb(String)} creates three fresh, uniquely
 * named databases on the local MariaDB and drops them on {@link #close()}. Check data directly with
 * {@link #queryOld}, {@link #queryNew} (through ShardingSphere) or {@link #shard(int)}, never through the
 * code under test.
 */
public final class DbPair implements AutoCloseable {

    private static final AtomicInteger H2_COUNTER = new AtomicInteger();

    private final String name;
    private final HikariDataSource oldDs;
    private final List<HikariDataSource> shards;
    private final DataSource newDs;
    private final List<String> mariaDbDatabases;
    private DataSource streamingNewDs;

    private DbPair(String name, HikariDataSource oldDs, List<HikariDataSource> shards, List<String> mariaDbDatabases) {
        this.name = name;
        this.oldDs = oldDs;
        this.shards = shards;
        this.mariaDbDatabases = mariaDbDatabases;
        try {
            execute(oldDs, Schema.oldTables());
            for (HikariDataSource shard : shards) {
                execute(shard, Schema.shardTables());
            }
            this.newDs = sharded(name, shards, 1);
        } catch (SQLException | IOException | RuntimeException e) {
            close();
            throw new IllegalStateException("cannot set up the database pair " + name + ": " + e.getMessage(), e);
        }
    }

    /** A pair of in-memory H2 databases (MODE=MySQL); {@code name} keeps instances apart in one JVM. */
    public static DbPair h2(String name) {
        String unique = name.replaceAll("[^A-Za-z0-9_]", "_") + "_" + H2_COUNTER.incrementAndGet();
        List<HikariDataSource> shards = List.of(h2Pool(unique + "_new_ds0"), h2Pool(unique + "_new_ds1"));
        return new DbPair(unique, h2Pool(unique + "_old"), shards, List.of());
    }

    /** A pair on the local MariaDB (see {@link MariaDbServer}) in three fresh databases. */
    public static DbPair mariaDb(String prefix) {
        String base = MariaDbServer.uniqueName(prefix);
        List<String> dbs = List.of(base + "_old", base + "_n0", base + "_n1");
        dbs.forEach(MariaDbServer::createDatabase);
        try {
            return new DbPair(base, MariaDbServer.pool(dbs.get(0), 8),
                    List.of(MariaDbServer.pool(dbs.get(1), 8), MariaDbServer.pool(dbs.get(2), 8)), dbs);
        } catch (RuntimeException e) {
            dbs.forEach(MariaDbServer::dropDatabase);
            throw e;
        }
    }

    /**
     * A pair on the local MariaDB whose old side and/or new side shards are reached through a {@link FaultProxy}
     * (null: direct); the pools keep HikariCP's and the driver's defaults, as a user's would.
     */
    public static DbPair mariaDbBehind(String prefix, FaultProxy oldProxy, FaultProxy newProxy) {
        String base = MariaDbServer.uniqueName(prefix);
        List<String> dbs = List.of(base + "_old", base + "_n0", base + "_n1");
        dbs.forEach(MariaDbServer::createDatabase);
        try {
            return new DbPair(base, MariaDbServer.pool(dbs.get(0), 8, oldProxy),
                    List.of(MariaDbServer.pool(dbs.get(1), 8, newProxy), MariaDbServer.pool(dbs.get(2), 8, newProxy)), dbs);
        } catch (RuntimeException e) {
            dbs.forEach(MariaDbServer::dropDatabase);
            throw e;
        }
    }

    /** A label for messages: the unique part of the database names. */
    public String name() {
        return name;
    }

    /** The old database (a HikariCP pool). */
    public DataSource oldDataSource() {
        return oldDs;
    }

    /** The new database: ShardingSphere-JDBC over the two shards. */
    public DataSource newDataSource() {
        return newDs;
    }

    /**
     * A second ShardingSphere data source over the same shards with {@code max-connections-size-per-query: 4}:
     * a query over all four tables of a shard streams them on four connections instead of loading each into
     * memory one after the other (how bulk readers such as the verifier are best configured).
     */
    public synchronized DataSource streamingNewDataSource() {
        if (streamingNewDs == null) {
            try {
                streamingNewDs = sharded(name + "_streaming", shards, 4);
            } catch (SQLException | IOException e) {
                throw new IllegalStateException("cannot create the streaming ShardingSphere data source: " + e.getMessage(), e);
            }
        }
        return streamingNewDs;
    }

    /** The old database's JDBC URL (for tools that open their own connections). */
    public String oldUrl() {
        return oldDs.getJdbcUrl();
    }

    /** A shard's JDBC URL. */
    public String shardUrl(int index) {
        return shards.get(index).getJdbcUrl();
    }

    /** The user name of the pools. */
    public String username() {
        return oldDs.getUsername();
    }

    /**
     * A complete ShardingSphere-JDBC YAML for this pair's new side (its data sources and rules), with its own
     * logical database and metadata repository named after {@code instance}.
     */
    public String shardingYaml(String instance) {
        StringBuilder sb = new StringBuilder("dataSources:\n");
        for (int i = 0; i < shards.size(); i++) {
            sb.append("  ds_").append(i).append(":\n")
                    .append("    dataSourceClassName: com.zaxxer.hikari.HikariDataSource\n")
                    .append("    jdbcUrl: ").append(shardUrl(i)).append('\n')
                    .append("    username: ").append(username()).append('\n')
                    .append("    password: '").append(shards.get(i).getPassword() == null ? "" : shards.get(i).getPassword())
                    .append("'\n")
                    .append("    maximumPoolSize: 4\n");
        }
        return sb + Schema.shardingRules().replace("@DATABASE@", "dw_" + instance).replace("@REPOSITORY@", "dw_repo_" + instance);
    }

    /** A physical shard of the new database, {@code ds_0} or {@code ds_1}. */
    public DataSource shard(int index) {
        return shards.get(index);
    }

    /** Where ShardingSphere puts a user's rows of {@code table}: {@code [database index, table suffix]}. */
    public static int[] location(long userId) {
        return new int[] {(int) Math.floorMod(userId, 2L), (int) Math.floorMod(Math.floorDiv(userId, 2L), 4L)};
    }

    /** Runs a query on the old database directly; rows as column-label maps. */
    public List<Map<String, Object>> queryOld(String sql, Object... params) {
        return query(oldDs, sql, params);
    }

    /** Runs a query on the new database through ShardingSphere (not through dualwrite). */
    public List<Map<String, Object>> queryNew(String sql, Object... params) {
        return query(newDs, sql, params);
    }

    /** Rows of {@code table} on the old side. */
    public long countOld(String table) {
        return count(oldDs, "SELECT COUNT(*) FROM " + table);
    }

    /** Rows of {@code table} on the new side (every shard). */
    public long countNew(String table) {
        return count(newDs, "SELECT COUNT(*) FROM " + table);
    }

    /** The first column of the first row as a long (COUNT, SUM, MAX). */
    public static long count(DataSource ds, String sql, Object... params) {
        Object value = query(ds, sql, params).get(0).values().iterator().next();
        return value == null ? 0 : ((Number) value).longValue();
    }

    /** Runs a statement on the old database directly. */
    public int updateOld(String sql, Object... params) {
        return update(oldDs, sql, params);
    }

    /** Runs a statement on the new database through ShardingSphere. */
    public int updateNew(String sql, Object... params) {
        return update(newDs, sql, params);
    }

    /** Empties every table on both sides. */
    public void truncateAll() {
        for (String table : Schema.TABLES) {
            updateOld("DELETE FROM " + table);
            updateNew("DELETE FROM " + table);
        }
        updateOld("DELETE FROM " + Schema.UNMIGRATED_TABLE);
    }

    /** Closes ShardingSphere (which closes the shard pools), the old pool, and drops MariaDB databases. */
    @Override
    public void close() {
        for (DataSource ds : new DataSource[] {streamingNewDs, newDs}) {
            try {
                if (ds instanceof AutoCloseable closeable) {
                    closeable.close();
                }
            } catch (Exception e) {
                // the pools below are closed anyway
            }
        }
        shards.forEach(HikariDataSource::close);
        oldDs.close();
        mariaDbDatabases.forEach(MariaDbServer::dropDatabase);
    }

    /** Rows of a query as column-label maps (labels lower-cased, values as the driver returns them). */
    public static List<Map<String, Object>> query(DataSource ds, String sql, Object... params) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.put(md.getColumnLabel(i).toLowerCase(java.util.Locale.ROOT), rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("query failed: " + sql + ": " + e.getMessage(), e);
        }
    }

    /** Runs a statement with autocommit. */
    public static int update(DataSource ds, String sql, Object... params) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("statement failed: " + sql + ": " + e.getMessage(), e);
        }
    }

    private static void execute(DataSource ds, List<String> statements) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    private static HikariDataSource h2Pool(String database) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:mem:" + database + ";MODE=MySQL;DB_CLOSE_DELAY=-1;DATABASE_TO_UPPER=FALSE");
        config.setUsername("sa");
        config.setPassword("");
        config.setMaximumPoolSize(8);
        config.setMinimumIdle(1);
        config.setPoolName("h2-" + database);
        return new HikariDataSource(config);
    }

    private static DataSource sharded(String name, List<HikariDataSource> shards, int maxConnectionsSizePerQuery)
            throws SQLException, IOException {
        Map<String, DataSource> map = new LinkedHashMap<>();
        for (int i = 0; i < shards.size(); i++) {
            map.put("ds_" + i, shards.get(i));
        }
        // each instance gets its own logical database and metadata repository: two defaults wipe each other
        String yaml = Schema.shardingRules(maxConnectionsSizePerQuery).replace("@DATABASE@", "dw_" + name)
                .replace("@REPOSITORY@", "dw_repo_" + name);
        return YamlShardingSphereDataSourceFactory.createDataSource(map, yaml.getBytes(StandardCharsets.UTF_8));
    }
}
