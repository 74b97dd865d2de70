package io.github.dualwrite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Past one machine and back again: parts shared by processes, the reverse sync, a small old pool. */
abstract class CliWayBackContract extends CliFixture {

    /** Runs the commands (each with --config added) at the same time and returns their results in order. */
    abstract List<Run> runAtOnce(List<List<String>> commands) throws Exception;

    private static long sum(List<Run> runs, String field) {
        long total = 0;
        for (Run r : runs) {
            Matcher m = Pattern.compile(field + "=(\\d+)").matcher(r.out());
            while (m.find()) {
                total += Long.parseLong(m.group(1));
            }
        }
        return total;
    }

    @Test
    void twoProcessesSplitABackfillAndAVerificationWithoutOverlapOrGap() throws Exception {
        seedOld(200); // 800 rows in two tables
        List<Run> copies = runAtOnce(List.of(List.of("backfill", "--part", "1/2", "--chunk", "50"),
                List.of("backfill", "--part", "2/2", "--chunk", "50")));
        for (Run r : copies) {
            assertThat(r.code()).as(r.out() + r.err()).isZero();
        }
        assertThat(copies.get(0).out()).contains("part=1/2");
        assertThat(sum(copies, "scanned")).as("every row copied by exactly one part").isEqualTo(800);
        assertThat(sum(copies, "inserted")).isEqualTo(800);

        List<Run> checks = runAtOnce(List.of(List.of("verify", "--part", "1/2", "--recheck-delay", "0s"),
                List.of("verify", "--part", "2/2", "--recheck-delay", "0s")));
        for (Run r : checks) {
            assertThat(r.code()).as(r.out() + r.err()).isZero();
        }
        assertThat(sum(checks, "rows")).as("every row compared by exactly one part").isEqualTo(800);
        Run all = run("verify", "--recheck-delay", "0s");
        assertThat(all.code()).isZero();
        assertThat(all.lastLine()).contains("rows=800 missing=0 extra=0 different=0");
    }

    @Test
    void rowsOnlyOnTheNewSideOfAnEmptyOldTableAreFoundByPartOne() {
        pair.updateNew("INSERT INTO points_account (id, user_id, balance) VALUES (1, 1, 1)");
        pair.updateNew("INSERT INTO points_account (id, user_id, balance) VALUES (2, 2, 2)");
        Run one = run("verify", "--part", "1/2", "--recheck-delay", "0s");
        assertThat(one.code()).as(one.out() + one.err()).isEqualTo(1);
        assertThat(one.lastLine()).contains("rows=2 missing=0 extra=2");
        Run two = run("verify", "--part", "2/2", "--recheck-delay", "0s");
        assertThat(two.code()).as(two.out() + two.err()).isZero();
        assertThat(two.lastLine()).contains("rows=0 missing=0 extra=0");
    }

    @Test
    void asManyThreadsAsTheOldPoolHasConnectionsDoNotStarveTheCheckpoints() throws Exception {
        seedOld(100);
        Path small = variant("small-pool.yaml", "password: \"\" }", "password: \"\", pool-size: 2 }");
        Run r = runRaw("backfill", "--config", small.toString(), "--threads", "2", "--chunk", "20");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("scanned=400 inserted=400");
    }

    @Test
    void aReverseSyncTakesAUnitFromNewOnlyBackToNewPrimaryWithNothingLost() throws Exception {
        Path cfg = variant("app-ids.yaml", "version-column: gmt_modified }", "version-column: gmt_modified,"
                + " id-source: APPLICATION }");
        seedOld(20);
        assertThat(runRaw("backfill", "--config", cfg.toString()).code()).isZero();
        assertThat(runRaw("publish", "--config", cfg.toString(), "--who", "ops").code()).isZero();
        for (String stage : List.of("READ_NEW", "NEW_PRIMARY", "NEW_ONLY")) {
            Run moved = runRaw("stage", "points", stage, "--config", cfg.toString());
            assertThat(moved.code()).as(stage + ": " + moved.out() + moved.err()).isZero();
        }
        Run closed = runRaw("status", "--config", cfg.toString());
        assertThat(closed.out()).contains("unit points: stage NEW_ONLY").contains("way back: closed: in NEW_ONLY the"
                + " old side gets no writes; run dualwrite backfill --unit points --direction new-to-old");
        Run refused = runRaw("stage", "points", "NEW_PRIMARY", "--config", cfg.toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.out()).contains("REFUSED");

        // the applications write the new side only
        Timestamp t1 = Timestamp.from(Instant.now());
        pair.updateNew("UPDATE points_account SET balance = 999, gmt_modified = ? WHERE user_id = 3", t1);
        pair.updateNew("INSERT INTO points_detail (id, user_id, amount, gmt_modified) VALUES (1000, 4, 5, ?)", t1);
        Run reverse = runRaw("backfill", "--config", cfg.toString(), "--direction", "new-to-old");
        assertThat(reverse.code()).as(reverse.out() + reverse.err()).isZero();
        assertThat(reverse.out()).contains("direction=new-to-old").contains("inserted=1 updated=1");
        Matcher since = Pattern.compile("--since (\\S+)").matcher(reverse.out());
        assertThat(since.find()).isTrue();
        assertThat(runRaw("status", "--config", cfg.toString()).out())
                .contains("way back: open after catching up: the last reverse sync started at " + since.group(1));

        // written after the reverse sync started: the incremental copy by version window takes it
        pair.updateNew("UPDATE points_account SET balance = 555, gmt_modified = ? WHERE user_id = 5",
                Timestamp.from(Instant.now().plusSeconds(1)));
        Run incremental = runRaw("backfill", "--config", cfg.toString(), "--direction", "new-to-old", "--since",
                since.group(1));
        assertThat(incremental.code()).as(incremental.out() + incremental.err()).isZero();
        assertThat(incremental.out()).contains("updated=1");

        Run back = runRaw("stage", "points", "NEW_PRIMARY", "--force", "--who", "ops", "--config", cfg.toString());
        assertThat(back.code()).as(back.out() + back.err()).isZero();
        assertThat(back.out()).contains("FORCED past").contains("PUBLISHED v5");
        Run verify = runRaw("verify", "--config", cfg.toString(), "--recheck-delay", "0s");
        assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.lastLine()).contains("rows=81 missing=0 extra=0 different=0");
        assertThat(pair.queryOld("SELECT balance FROM points_account WHERE user_id IN (3, 5) ORDER BY user_id"))
                .containsExactly(Map.of("balance", 999L), Map.of("balance", 555L));
        assertThat(runRaw("status", "--config", cfg.toString()).out()).contains("unit points: stage NEW_PRIMARY")
                .contains("way back: open (the old side is complete: dual write keeps it)");
    }

    @Test
    void concurrentPublishesFromTwoProcessesNeverBothWinTheSameVersion() throws Exception {
        assertThat(run("publish", "--who", "ops").code()).isZero();
        java.util.Map<Long, String> published = new java.util.TreeMap<>(); // version -> the ratio its publisher set
        for (int round = 1; round <= 3; round++) {
            String a = String.valueOf(round * 10);
            String b = String.valueOf(round * 10 + 5);
            List<Run> runs = runAtOnce(List.of(List.of("ratio", "points", a, "--gray-stage", "READ_NEW", "--who", "a"),
                    List.of("ratio", "points", b, "--gray-stage", "READ_NEW", "--who", "b")));
            for (int i = 0; i < 2; i++) {
                Run r = runs.get(i);
                Matcher m = Pattern.compile("PUBLISHED v(\\d+)").matcher(r.out());
                if (m.find()) {
                    assertThat(r.code()).isZero();
                    String previous = published.put(Long.parseLong(m.group(1)), i == 0 ? a : b);
                    assertThat(previous).as("two publishers acknowledged v" + m.group(1)).isNull();
                } else {
                    // the loser read the same version and found it taken: it says so and changes nothing
                    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
                    assertThat(r.err()).contains("someone else").contains("republish");
                }
            }
        }
        Run history = run("history", "--limit", "50");
        for (java.util.Map.Entry<Long, String> e : published.entrySet()) {
            assertThat(history.out()).as("v" + e.getKey() + " holds what its publisher was told")
                    .containsPattern("v" + e.getKey() + " \\S+ by [ab]\\R(  .*\\R)*  units.points.gray.ratio: \\d+ -> "
                            + e.getValue() + "\\R");
        }
        long last = ((java.util.TreeMap<Long, String>) published).lastKey();
        assertThat(run("status").out()).contains("row 'default' v" + last + " ")
                .contains("gray READ_NEW at " + published.get(last) + " bp");
    }
}
