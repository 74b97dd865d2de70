package io.github.dualwrite.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.testing.DbPair;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.shardingsphere.driver.api.yaml.YamlShardingSphereDataSourceFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Identifiers read from database metadata are validated and quoted for the dialect (issue 14, item 6): a table
 * whose columns are the reserved words {@code desc}, {@code order} and {@code key} goes through RowSync, the
 * verifier and the backfill; a column name that is SQL ({@code note = ?, email}) is refused with its name.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class IdentifierQuotingContract {

    static final String DOC = """
            units:
              kw:
                routing-column: user_id
                tables: [kw_item]
                stage: DUAL_WRITE
              evil:
                routing-column: user_id
                tables: [kw_evil]
                stage: DUAL_WRITE
            """;

    DbPair pair;
    DataSource newSide;
    MigrationControl control;
    RowSync rowSync;

    abstract DbPair newPair();

    /** The dialect's quote for the DDL of the fixture. */
    abstract String q();

    @BeforeAll
    void setUp() throws Exception {
        pair = newPair();
        String cols = "(id BIGINT NOT NULL PRIMARY KEY, user_id BIGINT NOT NULL, %1$sdesc%1$s VARCHAR(64) NULL,"
                + " %1$sorder%1$s INT NULL, %1$skey%1$s VARCHAR(64) NULL)";
        String evil = "(id BIGINT NOT NULL PRIMARY KEY, user_id BIGINT NOT NULL, %1$snote = ?, email%1$s VARCHAR(64) NULL)";
        pair.updateOld("CREATE TABLE kw_item " + cols.formatted(q()));
        pair.updateOld("CREATE TABLE kw_evil " + evil.formatted(q()));
        for (int s = 0; s < 2; s++) {
            for (int t = 0; t < 2; t++) {
                DbPair.update(pair.shard(s), "CREATE TABLE kw_item_" + t + " " + cols.formatted(q()));
                DbPair.update(pair.shard(s), "CREATE TABLE kw_evil_" + t + " " + evil.formatted(q()));
            }
        }
        String yaml = pair.shardingYaml("kw");
        String rules = """
                databaseName: dw_kw_%1$s
                mode:
                  type: Standalone
                  repository:
                    type: JDBC
                    props:
                      provider: H2
                      jdbc_url: jdbc:h2:mem:dw_kw_repo_%1$s;DB_CLOSE_DELAY=0;DATABASE_TO_UPPER=false;MODE=MYSQL
                rules:
                - !SHARDING
                  tables:
                    kw_item:
                      actualDataNodes: ds_${0..1}.kw_item_${0..1}
                      databaseStrategy: { standard: { shardingColumn: user_id, shardingAlgorithmName: db } }
                      tableStrategy: { standard: { shardingColumn: user_id, shardingAlgorithmName: kw_item_t } }
                    kw_evil:
                      actualDataNodes: ds_${0..1}.kw_evil_${0..1}
                      databaseStrategy: { standard: { shardingColumn: user_id, shardingAlgorithmName: db } }
                      tableStrategy: { standard: { shardingColumn: user_id, shardingAlgorithmName: kw_evil_t } }
                  shardingAlgorithms:
                    db: { type: INLINE, props: { algorithm-expression: 'ds_${user_id %% 2}' } }
                    kw_item_t: { type: INLINE, props: { algorithm-expression: 'kw_item_${user_id.intdiv(2) %% 2}' } }
                    kw_evil_t: { type: INLINE, props: { algorithm-expression: 'kw_evil_${user_id.intdiv(2) %% 2}' } }
                """.formatted(pair.name());
        newSide = YamlShardingSphereDataSourceFactory.createDataSource(
                (yaml.substring(0, yaml.indexOf("databaseName:")) + rules).getBytes(StandardCharsets.UTF_8));
        control = MigrationControl.start(MigrationConfig.fromYaml(DOC), "test");
        rowSync = new RowSync(pair.oldDataSource(), newSide, control);
    }

    @AfterAll
    void tearDown() throws Exception {
        if (newSide instanceof AutoCloseable c) {
            c.close();
        }
        pair.close();
    }

    @BeforeEach
    void empty() {
        pair.updateOld("DELETE FROM kw_item");
        DbPair.update(newSide, "DELETE FROM kw_item");
    }

    private void seed(long users) {
        String insert = "INSERT INTO kw_item (id, user_id, %1$sdesc%1$s, %1$sorder%1$s, %1$skey%1$s) VALUES (?, ?, ?, ?, ?)"
                .formatted(q());
        for (long u = 1; u <= users; u++) {
            pair.updateOld(insert, u * 10, u, "d" + u, (int) u, "k" + u);
            pair.updateOld(insert, u * 10 + 1, u, "e" + u, (int) u + 1, null);
        }
    }

    private List<Map<String, Object>> newRows(long user) {
        return DbPair.query(newSide, "SELECT * FROM kw_item WHERE user_id = ? ORDER BY id", user);
    }

    @Test
    void rowSyncCopiesReservedWordColumns() throws SQLException {
        seed(3);
        RowSync.Result result = rowSync.sync("kw", "kw_item", 2L);
        assertThat(result.inserted()).isEqualTo(2);
        List<Map<String, Object>> rows = newRows(2);
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).values()).contains("d2", 2, "k2");
        pair.updateOld("UPDATE kw_item SET %1$sdesc%1$s = 'changed', %1$sorder%1$s = 99 WHERE id = 20".formatted(q()));
        assertThat(rowSync.sync("kw", "kw_item", 2L).updated()).isEqualTo(1);
        assertThat(newRows(2).get(0).values()).contains("changed", 99);
    }

    @Test
    void backfillThenVerifyFindNoDifferenceThenVerifyFindsOne() throws Exception {
        seed(8);
        Backfill.Report backfill = Backfill.builder(rowSync, control).threads(1).chunkSize(5).build().run("kw");
        assertThat(backfill.inserted()).isEqualTo(16);
        Verifier verifier = Verifier.builder(rowSync, control).chunkSize(100).recheck(0, java.time.Duration.ZERO).build();
        assertThat(verifier.full("kw").differences()).isEmpty();
        DbPair.update(newSide, "UPDATE kw_item SET %1$skey%1$s = 'drift' WHERE user_id = 5 AND id = 50".formatted(q()));
        Verifier.Report report = verifier.full("kw");
        assertThat(report.different()).isEqualTo(1);
        assertThat(report.differences().get(0).columns()).containsExactly("key");
    }

    @Test
    void preflightReadsTheReservedWordTable() {
        Preflight.Report report = Preflight.builder(pair.oldDataSource(), newSide, control.current().config()).build().run("kw");
        assertThat(report.checks()).isNotEmpty();
        assertThat(report.checks()).noneMatch(c -> String.valueOf(c).contains("syntax"));
    }

    @Test
    void aColumnNameThatIsSqlIsRefusedWithItsName() {
        assertThatThrownBy(() -> rowSync.sync("evil", "kw_evil", 1L))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("kw_evil")
                .hasMessageContaining("note = ?, email")
                .hasMessageContaining("not a plain identifier");
    }
}
