package io.github.dualwrite.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * The tables of the fixtures: a points system (seed 002) with two migration units, {@code points}
 * ({@code points_account}, {@code points_detail}) and {@code coupon} ({@code coupon}), all routed by
 * {@code user_id}, plus {@code app_config}, a table that is not migrated and exists on the old side only.
 * {@code points_memo} is the changed-schema case (seeds 003 and 004): its column {@code memo} is called
 * {@code remark} on the new side.
 * On the old side ids are AUTO_INCREMENT (the old database is the id authority); on the new side they
 * are plain keys, and no ShardingSphere key generator is configured.
 */
public final class Schema {

    /** The migrated tables. */
    public static final List<String> TABLES = List.of("points_account", "points_detail", "coupon", "points_memo");
    /** The table that stays on the old database. */
    public static final String UNMIGRATED_TABLE = "app_config";
    /** Number of physical tables per table and shard database. */
    public static final int TABLES_PER_SHARD = 4;

    private Schema() {
    }

    /** Column definitions after the id, per table and side. */
    private static String columns(String table, boolean newSide) {
        return switch (table) {
            case "points_memo" -> "user_id BIGINT NOT NULL, " + (newSide ? "remark" : "memo") + " VARCHAR(255) NULL,"
                    + " gmt_modified TIMESTAMP(3) NULL";
            case "points_account" -> "user_id BIGINT NOT NULL, balance BIGINT NOT NULL, gmt_modified TIMESTAMP(3) NULL";
            case "points_detail" -> "user_id BIGINT NOT NULL, amount BIGINT NOT NULL, note VARCHAR(255) NULL,"
                    + " gmt_modified TIMESTAMP(3) NULL";
            case "coupon" -> "user_id BIGINT NOT NULL, code VARCHAR(64) NOT NULL, gmt_modified TIMESTAMP(3) NULL";
            default -> throw new IllegalArgumentException(table);
        };
    }

    static List<String> oldTables() {
        List<String> ddl = new ArrayList<>();
        for (String table : TABLES) {
            ddl.add("CREATE TABLE " + table + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, " + columns(table, false) + ")");
            ddl.add("CREATE INDEX " + table + "_user ON " + table + " (user_id)");
        }
        ddl.add("CREATE TABLE " + UNMIGRATED_TABLE + " (name VARCHAR(64) PRIMARY KEY, val VARCHAR(255))");
        return ddl;
    }

    static List<String> shardTables() {
        List<String> ddl = new ArrayList<>();
        for (String table : TABLES) {
            for (int i = 0; i < TABLES_PER_SHARD; i++) {
                ddl.add("CREATE TABLE " + table + "_" + i + " (id BIGINT PRIMARY KEY, " + columns(table, true) + ")");
                ddl.add("CREATE INDEX " + table + "_" + i + "_user ON " + table + "_" + i + " (user_id)");
            }
        }
        return ddl;
    }

    /** ShardingSphere rules; {@code @DATABASE@} and {@code @REPOSITORY@} are replaced per instance. */
    public static String shardingRules() {
        return shardingRules(1);
    }

    /**
     * ShardingSphere rules with the given {@code max-connections-size-per-query}: 1 (the default) loads each
     * shard's result into memory (connection-strict mode), 4 or more streams all four tables of a shard at once.
     */
    public static String shardingRules(int maxConnectionsSizePerQuery) {
        StringBuilder tables = new StringBuilder();
        StringBuilder algorithms = new StringBuilder();
        for (String table : TABLES) {
            tables.append("""
                        %1$s:
                          actualDataNodes: ds_${0..1}.%1$s_${0..3}
                          databaseStrategy:
                            standard:
                              shardingColumn: user_id
                              shardingAlgorithmName: db_by_user
                          tableStrategy:
                            standard:
                              shardingColumn: user_id
                              shardingAlgorithmName: %1$s_by_user
                    """.formatted(table));
            algorithms.append("""
                        %1$s_by_user:
                          type: INLINE
                          props:
                            algorithm-expression: %1$s_${user_id.intdiv(2) %% 4}
                    """.formatted(table));
        }
        return """
                databaseName: @DATABASE@
                mode:
                  type: Standalone
                  repository:
                    type: JDBC
                    props:
                      provider: H2
                      jdbc_url: jdbc:h2:mem:@REPOSITORY@;DB_CLOSE_DELAY=0;DATABASE_TO_UPPER=false;MODE=MYSQL
                rules:
                - !SHARDING
                  tables:
                """ + tables + """
                  shardingAlgorithms:
                    db_by_user:
                      type: INLINE
                      props:
                        algorithm-expression: ds_${user_id % 2}
                """ + algorithms + """
                - !SINGLE
                  tables:
                  - "*.*"
                  defaultDataSource: ds_0
                props:
                  max-connections-size-per-query: @MAX_CONNECTIONS@
                  sql-show: false
                """.replace("@MAX_CONNECTIONS@", String.valueOf(maxConnectionsSizePerQuery));
    }
}
