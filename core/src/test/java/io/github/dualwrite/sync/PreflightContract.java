package io.github.dualwrite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.config.TableConfig;
import io.github.dualwrite.config.UnitConfig;
import io.github.dualwrite.ids.SegmentSequence;
import io.github.dualwrite.testing.DbPair;
import io.github.dualwrite.testing.Schema;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Preflight on a correct set-up and on each kind of mistake, with the fix in the message. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PreflightContract {

    DbPair pair;

    abstract DbPair newPair();

    @BeforeAll
    void setUp() {
        pair = newPair();
    }

    @AfterAll
    void tearDown() {
        pair.close();
    }

    static MigrationConfig config(UnitConfig unit) {
        return MigrationConfig.builder().unit(unit).build();
    }

    Preflight.Builder preflight(MigrationConfig config) {
        return Preflight.builder(pair.oldDataSource(), pair.newDataSource(), config)
                .shardingYaml(pair.shardingYaml("preflight"));
    }

    @Test
    void aCorrectSetUpPasses() {
        Preflight.Report report = preflight(config(UnitConfig.builder("points").tables("points_account", "points_detail")
                .stage(Stage.OLD_ONLY).build())).build().run(null);
        assertThat(report.passed()).as(report.checks().toString()).isTrue();
        assertThat(report.checks()).extracting(Preflight.Report.Check::name).contains("exists", "columns", "primary key",
                "sharding column", "key generator", "id sequence");
    }

    @Test
    void everyMistakeIsReportedWithWhatToChange() {
        UnitConfig unit = UnitConfig.builder("points").routingColumn("amount")
                .table(TableConfig.of("points_detail").withRenamedColumn("note", "remark"))
                .table(TableConfig.of("no_such_table"))
                .table(TableConfig.of("points_account").withPrimaryKey("user_id"))
                .stage(Stage.OLD_ONLY).build();
        String yaml = pair.shardingYaml("preflight_bad").replace("points_account:\n      actualDataNodes",
                "points_account:\n      keyGenerateStrategy:\n        column: id\n        keyGeneratorName: snowflake\n      actualDataNodes");
        Preflight.Report report = Preflight.builder(pair.oldDataSource(), pair.newDataSource(), config(unit))
                .shardingYaml(yaml).build().run("points");
        assertThat(report.passed()).isFalse();
        assertThat(report.failures()).extracting(c -> c.table() + " " + c.name()).contains(
                "no_such_table exists on old", "points_detail columns", "points_detail sharding column",
                "points_account primary key", "points_account key generator");
        assertThat(report.failures()).filteredOn(c -> c.name().equals("columns")).singleElement()
                .extracting(Preflight.Report.Check::message).asString().contains("note (as remark)").contains("column-map");
        assertThat(report.failures()).filteredOn(c -> c.name().equals("sharding column")).first()
                .extracting(Preflight.Report.Check::message).asString().contains("sharded by [user_id, user_id], routed by amount");
        assertThat(report.failures()).filteredOn(c -> c.name().equals("key generator")).singleElement()
                .extracting(Preflight.Report.Check::message).asString().contains("remove keyGenerateStrategy");
    }

    @Test
    void withoutTheShardingYamlThoseChecksAreSkippedNotPassed() {
        Preflight.Report report = Preflight.builder(pair.oldDataSource(), pair.newDataSource(),
                config(UnitConfig.builder("points").tables("points_detail").stage(Stage.OLD_ONLY).build())).build().run(null);
        assertThat(report.checks()).filteredOn(c -> c.status() == Preflight.Report.Status.SKIPPED)
                .extracting(Preflight.Report.Check::name).contains("sharding column", "key generator", "id sequence");
    }

    @Test
    void aSequenceMustStandAboveTheHighestIdOnEitherSide() throws Exception {
        pair.truncateAll();
        pair.updateOld("INSERT INTO points_detail (id, user_id, amount, note) VALUES (40, 1, 1, 'a')");
        pair.updateNew("INSERT INTO points_detail (id, user_id, amount, note) VALUES (90, 2, 1, 'b')");
        String table = "seq_preflight_" + Math.abs(System.nanoTime() % 100000);
        SegmentSequence sequence = SegmentSequence.builder(pair.shard(0)).table(table).step(10).build();
        Preflight.Builder preflight = preflight(config(UnitConfig.builder("points")
                .table(TableConfig.of("points_detail").withIdSource(TableConfig.IdSource.SEQUENCE)).stage(Stage.OLD_ONLY).build()));

        assertThat(idCheck(preflight.build())).satisfies(c -> {
            assertThat(c.status()).isEqualTo(Preflight.Report.Status.WARN);
            assertThat(c.message()).contains("give preflight the sequence");
        });
        preflight.sequence(sequence);
        assertThat(idCheck(preflight.build())).satisfies(c -> {
            assertThat(c.status()).as(c.message()).isEqualTo(Preflight.Report.Status.OK);
            assertThat(c.message()).contains("made at the first INSERT").contains("(90)");
        });
        sequence.nextId("points_detail"); // floor 0: the sequence starts at 1, below ids both sides hold
        assertThat(idCheck(preflight.build())).satisfies(c -> {
            assertThat(c.status()).isEqualTo(Preflight.Report.Status.FAIL);
            assertThat(c.message()).contains("would hand out 11, but ids up to 90 exist")
                    .contains("UPDATE " + table + " SET next_value = 100091 WHERE name = 'points_detail'");
        });
        DbPair.update(pair.shard(0), "UPDATE " + table + " SET next_value = 100091 WHERE name = 'points_detail'");
        assertThat(idCheck(preflight.build()).status()).isEqualTo(Preflight.Report.Status.OK);
        DbPair.update(pair.shard(0), "DROP TABLE " + table);
        pair.truncateAll();
    }

    private static Preflight.Report.Check idCheck(Preflight preflight) {
        return preflight.run(null).checks().stream().filter(c -> c.name().equals("id sequence")).findFirst().orElseThrow();
    }

    static Map<String, javax.sql.DataSource> shards(DbPair pair) {
        return Map.of("ds_0", pair.shard(0), "ds_1", pair.shard(1));
    }

    static String schemaTables() {
        return String.join(",", Schema.TABLES);
    }
}
