package io.github.dualwrite.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.dualwrite.config.JdbcConfigSource;
import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.journal.JdbcJournal;
import io.github.dualwrite.journal.JournalEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

/** The live switch from the command line: read, publish, refuse, gate on evidence, history. */
abstract class CliSwitchContract extends CliFixture {

    /** An application instance reading the shared row (polling only when told to). */
    private record App(MigrationControl control, JdbcConfigSource source, ScheduledExecutorService scheduler)
            implements AutoCloseable {
        Stage stage() {
            source.checkNow();
            return control.current().config().unit("points").orElseThrow().stage();
        }

        @Override
        public void close() {
            source.close();
            scheduler.shutdownNow();
        }
    }

    private App app() {
        MigrationControl control = MigrationControl.empty(Clock.systemUTC());
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        return new App(control, JdbcConfigSource.builder(pair.oldDataSource(), control).scheduler(scheduler)
                .pollInterval(Duration.ofHours(1)).build(), scheduler);
    }

    @Test
    void theLiveSwitchIsReadAndMovedFromTheCommandLineAndSharedByEveryInstance() {
        Run before = run("status");
        assertThat(before.code()).as(before.err()).isZero();
        assertThat(before.out()).contains("live document: file " + config.toAbsolutePath().normalize()
                + " (no dualwrite_config row 'default' yet)").contains("unit points: stage DUAL_WRITE");

        Run first = run("publish", "--who", "alice");
        assertThat(first.code()).as(first.out() + first.err()).isZero();
        assertThat(first.out()).contains("PUBLISHED v1 to dualwrite_config row 'default' by alice");
        try (App one = app(); App two = app()) {
            assertThat(one.stage()).isEqualTo(Stage.DUAL_WRITE);
            assertThat(two.stage()).isEqualTo(Stage.DUAL_WRITE);

            Run dry = run("ratio", "points", "500", "--gray-stage", "READ_NEW", "--dry-run", "--who", "bob");
            assertThat(dry.code()).as(dry.out() + dry.err()).isZero();
            assertThat(dry.out()).contains("units.points.gray.ratio: 0 -> 500")
                    .contains("unit points, users in buckets 0..499: DUAL_WRITE -> READ_NEW")
                    .contains("DRY RUN: would publish v2 over v1");
            assertThat(run("status").out()).contains("dualwrite_config row 'default' v1 (published by alice");

            Run stage = run("stage", "points", "READ_NEW", "--who", "bob");
            assertThat(stage.code()).as(stage.out() + stage.err()).isZero();
            assertThat(stage.out()).contains("units.points.stage: DUAL_WRITE -> READ_NEW")
                    .contains("PUBLISHED v2 to dualwrite_config row 'default' by bob");
            assertThat(one.stage()).as("every instance takes the published version").isEqualTo(Stage.READ_NEW);
            assertThat(two.stage()).isEqualTo(Stage.READ_NEW);
        }
        Run after = run("status");
        assertThat(after.out()).contains("live document: dualwrite_config row 'default' v2 (published by bob at ")
                .contains("unit points: stage READ_NEW");
        assertThat(run("status", "--live", "file").out()).as("--live file reads the file only")
                .contains("unit points: stage DUAL_WRITE");

        Run history = run("history");
        assertThat(history.code()).isZero();
        assertThat(history.out()).containsPattern("v2 \\S+ by bob\\R(  .*\\R)*  units.points.stage: DUAL_WRITE -> READ_NEW")
                .containsPattern("v1 \\S+ by alice\\R  \\(first version shown\\)");
    }

    @Test
    void illegalMovesAndMovesTheJournalHoldsBackAreRefusedAndNothingIsPublished() {
        assertThat(run("publish", "--who", "alice").code()).isZero();
        Run illegal = run("stage", "points", "NEW_ONLY");
        assertThat(illegal.code()).isEqualTo(1);
        assertThat(illegal.out()).contains("REFUSED: 2 problems; nothing was published:")
                .contains("tables.points_account.id-source: OLD generates ids on the old side, which is not the authority"
                        + " in NEW_ONLY");

        JdbcJournal journal = new JdbcJournal(pair.oldDataSource());
        journal.pendingCount();
        pair.updateOld("INSERT INTO points_account (id, user_id, balance) VALUES (5, 5, 50)");
        journal.record(List.of(JournalEntry.pending(Instant.now(), "points", "points_account", "5", null,
                JournalEntry.Operation.UPDATE, Side.NEW, "UPDATE points_account SET balance = ? WHERE user_id = ?", null,
                JournalEntry.Reason.ERROR, null, "injected")));
        Run held = run("stage", "points", "READ_NEW");
        assertThat(held.code()).isEqualTo(1);
        assertThat(held.out()).contains("REFUSED").contains("PENDING").contains("drain first: dualwrite repair --until-empty");
        assertThat(run("status").out()).contains("row 'default' v1 ");

        assertThat(run("repair", "--until-empty", "--timeout", "1m").code()).isZero();
        Run moved = run("stage", "points", "READ_NEW");
        assertThat(moved.code()).as(moved.out()).isZero();
        assertThat(moved.out()).contains("PUBLISHED v2");
        assertThat(run("stage", "points", "READ_NEW").out()).contains("UNCHANGED");
        Run twoBack = run("stage", "points", "OLD_ONLY", "--dry-run");
        assertThat(twoBack.code()).isEqualTo(1);
        assertThat(twoBack.out()).contains("REFUSED: 1 problem").contains("READ_NEW -> OLD_ONLY");
        assertThat(run("status").out()).contains("row 'default' v2 ");
    }

    @Test
    void aPublishMadeFromAnOlderVersionNeverOverwritesANewerOne() {
        assertThat(run("publish", "--who", "alice").code()).isZero();
        MigrationControl control = MigrationControl.empty(Clock.systemUTC());
        try (JdbcConfigSource source = JdbcConfigSource.builder(pair.oldDataSource(), control)
                .pollInterval(Duration.ofHours(1)).build()) {
            String doc = control.current().config().toYaml();
            assertThatThrownBy(() -> source.publish(doc, MigrationConfig.Format.YAML, "carol", 0))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("is at v1, not v0");
            assertThat(source.history(10)).hasSize(1);
        }
    }

    @Test
    void aGrayBumpIsPublishedOnlyWhenTheUsersAboutToMoveAreProvenEqual() {
        seedOld(40);
        assertThat(run("backfill").code()).isZero();
        assertThat(run("publish", "--who", "alice").code()).isZero();
        pair.updateNew("UPDATE points_account SET balance = -1 WHERE user_id = 3");

        Run other = run("verify", "--buckets", "10..19", "--recheck-delay", "0s");
        assertThat(other.code()).as(other.out() + other.err()).isZero();
        assertThat(other.out()).contains("buckets 10..19 of unit points: 10 users");
        assertThat(other.lastLine()).contains("rows=40 missing=0 extra=0 different=0");

        Run refused = run("ratio", "points", "10", "--gray-stage", "READ_NEW", "--verify-first", "--recheck-delay", "0s");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.out()).contains("verify-first: buckets 0..9, 9 users").contains("different=1")
                .contains("REFUSED: the users about to move are not proven equal");
        assertThat(run("status").out()).contains("gray DUAL_WRITE at 0 bp");

        assertThat(run("verify", "--buckets", "0..9", "--repair", "--recheck-delay", "0s").code()).isZero();
        Run bumped = run("ratio", "points", "10", "--gray-stage", "READ_NEW", "--verify-first", "--recheck-delay", "0s");
        assertThat(bumped.code()).as(bumped.out() + bumped.err()).isZero();
        assertThat(bumped.out()).contains("different=0").contains("0 unresolved entries").contains("PUBLISHED v2");
        assertThat(run("status").out()).contains("gray READ_NEW at 10 bp");
    }

    @Test
    void repairsCopyFromTheAuthorityOfTheLiveDocumentNotOfTheFile() throws Exception {
        java.nio.file.Path cfg = variant("app-ids-switch.yaml", "version-column: gmt_modified }",
                "version-column: gmt_modified, id-source: APPLICATION }");
        seedOld(5);
        assertThat(runRaw("backfill", "--config", cfg.toString()).code()).isZero();
        assertThat(runRaw("publish", "--config", cfg.toString()).code()).isZero();
        for (String stage : List.of("READ_NEW", "NEW_PRIMARY")) {
            assertThat(runRaw("stage", "points", stage, "--config", cfg.toString()).code()).isZero();
        }
        pair.updateNew("UPDATE points_account SET balance = 77 WHERE user_id = 2");
        // the file still says DUAL_WRITE (old is the authority); the live document says NEW_PRIMARY
        Run repaired = runRaw("verify", "--config", cfg.toString(), "--repair", "--recheck-delay", "0s");
        assertThat(repaired.code()).as(repaired.out() + repaired.err()).isZero();
        assertThat(repaired.out()).contains("v3").contains("repaired 1 of 1 difference");
        assertThat(pair.queryOld("SELECT balance FROM points_account WHERE user_id = 2"))
                .as("copied from NEW, the live authority").containsExactly(java.util.Map.of("balance", 77L));
    }
}
