package io.github.dualwrite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dualwrite.config.Side;
import io.github.dualwrite.journal.JdbcJournal;
import io.github.dualwrite.journal.JournalEntry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code dualwrite} command line, run in-process against a database pair. */
abstract class CliContract extends CliFixture {

    @Test
    void backfillThenVerifyThenRepair() {
        seedOld(40);
        Run backfill = run("backfill", "--unit", "points", "--chunk", "25");
        assertThat(backfill.code()).as(backfill.err()).isZero();
        assertThat(backfill.lastLine()).startsWith("BACKFILL unit=points scanned=160 inserted=160");
        Run equal = run("verify", "--recheck-delay", "PT0S");
        assertThat(equal.code()).as(equal.err()).isZero();
        assertThat(equal.lastLine()).matches("VERIFY unit=points rows=160 missing=0 extra=0 different=0 rechecked=0 rows_per_s=\\d+");

        pair.updateNew("UPDATE points_detail SET amount = -5 WHERE id = 7 AND user_id = 3");
        pair.updateNew("DELETE FROM points_account WHERE user_id = 9");
        Run found = run("verify", "--unit", "points", "--recheck-delay", "PT0S");
        assertThat(found.code()).isEqualTo(1);
        assertThat(found.lastLine()).contains("missing=1 extra=0 different=1 rechecked=2");
        assertThat(found.out()).contains("points_detail DIFFERENT pk=7 key=3 columns=[amount]");

        Run repaired = run("verify", "--repair", "--recheck-delay", "0s");
        assertThat(repaired.code()).as("every difference repaired: clean").isZero();
        assertThat(repaired.out()).contains("repaired 2 of 2 differences; run verify again to confirm");
        Run again = run("verify", "--recheck-delay", "PT0S");
        assertThat(again.code()).isZero();
        assertThat(again.lastLine()).contains("missing=0 extra=0 different=0");
    }

    @Test
    void preflightStatusExplainAndRepair() {
        Run preflight = run("preflight");
        assertThat(preflight.code()).as(preflight.out() + preflight.err()).isZero();
        assertThat(preflight.out()).contains("OK      points.points_detail sharding column: sharded by user_id")
                .contains("OK      points.points_detail key generator").endsWith("PREFLIGHT passed" + System.lineSeparator());

        Run status = run("status");
        assertThat(status.code()).isZero();
        assertThat(status.out()).contains("unit points: stage DUAL_WRITE").contains("journal PENDING=0 (OLD behind 0,"
                + " NEW behind 0) CONFLICT=0 DEAD=0");

        Run explain = run("explain", "--key", "42", "--sql", "UPDATE points_account SET balance = 1 WHERE user_id = ?",
                "--param", "42");
        assertThat(explain.code()).as(explain.err()).isZero();
        assertThat(explain.out()).contains("unit points, key 42 (bucket 42)").contains("runs on OLD then NEW");

        Run repair = run("repair");
        assertThat(repair.code()).isZero();
        assertThat(repair.lastLine()).startsWith("REPAIR claimed=0");
    }

    /** An entry as the engine writes it when {@code behind} missed a write of {@code user}'s account. */
    private static JournalEntry missed(long user, Side behind) {
        return JournalEntry.pending(Instant.parse("2026-11-21T08:00:00Z"), "points", "points_account", String.valueOf(user),
                null, JournalEntry.Operation.UPDATE, behind, "UPDATE points_account SET balance = ? WHERE user_id = ?",
                null, JournalEntry.Reason.ERROR, null, "injected");
    }

    /** The journal table on the old side, made and emptied. */
    private JdbcJournal emptyJournal() {
        JdbcJournal journal = new JdbcJournal(pair.oldDataSource());
        journal.pendingCount(); // makes the table
        pair.updateOld("DELETE FROM " + JdbcJournal.DEFAULT_TABLE);
        return journal;
    }

    @Test
    void statusRepairUntilEmptyAndAPersonsDecision() {
        JdbcJournal journal = emptyJournal();
        pair.updateOld("INSERT INTO points_account (id, user_id, balance) VALUES (5, 5, 50), (7, 7, 70)");
        pair.updateNew("INSERT INTO points_account (id, user_id, balance) VALUES (7, 7, 71)");
        journal.record(List.of(missed(5, Side.NEW), missed(7, Side.NEW), missed(7, Side.OLD)));

        Run before = run("status");
        assertThat(before.code()).isZero();
        assertThat(before.out()).contains("journal PENDING=3 (OLD behind 1, NEW behind 2) CONFLICT=0 DEAD=0");

        // user 5 is copied; user 7's entries point both ways: parked for a person, so the drain is not complete
        Run drain = run("repair", "--until-empty", "--timeout", "PT1M");
        assertThat(drain.code()).as(drain.out() + drain.err()).isEqualTo(1);
        assertThat(drain.lastLine()).startsWith("DRAIN repaired=1").contains("conflicts=2 pending=0");
        assertThat(pair.queryNew("SELECT balance FROM points_account WHERE user_id = 5")).containsExactly(Map.of("balance", 50L));

        Run conflicted = run("status");
        assertThat(conflicted.code()).as("a person is needed").isEqualTo(1);
        assertThat(conflicted.out()).contains("CONFLICT=2").contains("CONFLICT points.points_account user 7: ")
                .contains("decide: dualwrite resolve --unit points --table points_account --key 7 --trusted OLD|NEW");

        Run resolve = run("resolve", "--unit", "points", "--table", "points_account", "--key", "7", "--trusted", "NEW",
                "--by", "alice");
        assertThat(resolve.code()).as(resolve.err()).isZero();
        assertThat(resolve.lastLine()).startsWith("RESOLVE unit=points table=points_account key=7 trusted=NEW closed=2");
        Run after = run("repair", "--until-empty");
        assertThat(after.code()).as(after.out()).isZero();
        assertThat(pair.queryOld("SELECT balance FROM points_account WHERE user_id = 7")).containsExactly(Map.of("balance", 71L));
        assertThat(run("status").out()).contains("journal PENDING=0 (OLD behind 0, NEW behind 0) CONFLICT=0 DEAD=0");
    }

    @Test
    void anOutageEntryLeftByAProcessThatDiedIsShownAndRepairVerifiesTheUnitFromIt() {
        JdbcJournal journal = emptyJournal();
        // the process acknowledged these writes with the breaker open and died before storing their entries
        pair.updateOld("INSERT INTO points_account (id, user_id, balance) VALUES (5, 5, 50), (7, 7, 70)");
        pair.updateNew("INSERT INTO points_account (id, user_id, balance) VALUES (7, 7, 7), (9, 9, 90)");
        java.time.Instant then = java.time.Instant.now().minusSeconds(120);
        assertThat(journal.openOutage(JournalEntry.outage(then, "points", Side.NEW, "4242@gone", then.plusSeconds(60))))
                .isTrue();

        Run status = run("status");
        assertThat(status.code()).isZero();
        assertThat(status.out()).contains("journal PENDING=1 (OLD behind 0, NEW behind 1)")
                .contains("OUTAGE points: NEW behind since").contains("the repairer verifies the whole unit");

        Run drain = run("repair", "--until-empty", "--timeout", "PT1M");
        assertThat(drain.code()).as(drain.out() + drain.err()).isZero();
        assertThat(pair.queryNew("SELECT user_id, balance FROM points_account ORDER BY user_id"))
                .as("the unit verified: a missing row copied, a different one fixed, a deleted one removed")
                .containsExactly(Map.of("user_id", 5L, "balance", 50L), Map.of("user_id", 7L, "balance", 70L));
        assertThat(run("status").out()).contains("journal PENDING=0 (OLD behind 0, NEW behind 0) CONFLICT=0 DEAD=0")
                .doesNotContain("OUTAGE");
    }

    @Test
    void errorsExitWithTwoAndSayWhy() throws Exception {
        Run noMode = run("verify", "--mode", "sideways");
        assertThat(noMode.code()).isEqualTo(2);
        assertThat(noMode.err()).contains("--mode").contains("sideways").contains("full, keys, since, sample");
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "units: {points: {stage: LATER}}\n");
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"status", "--config", broken.toString()}, new PrintWriter(new StringWriter()),
                new PrintWriter(err));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("units.points.stage: \"LATER\" is not one of");
        assertThat(Main.run(new String[] {"verify"}, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())))
                .as("missing --config is a usage error").isEqualTo(2);
    }

    @Test
    void aTableMissingOnTheNewSideIsACheckLineAndAnErrorNamingTheSide() throws Exception {
        pair.updateOld("CREATE TABLE IF NOT EXISTS orphan_t (id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL)");
        Path orphan = variant("orphan.yaml", "      points_detail: { version-column: gmt_modified }\n",
                "      points_detail: { version-column: gmt_modified }\n      orphan_t: {}\n");
        Run preflight = runRaw("preflight", "--config", orphan.toString());
        assertThat(preflight.code()).as(preflight.err()).isEqualTo(1);
        assertThat(preflight.out()).contains("OK      points.points_account exists")
                .containsPattern("FAIL +points.orphan_t exists on new")
                .endsWith("PREFLIGHT failed: 1 check" + System.lineSeparator());
        Run verify = runRaw("verify", "--config", orphan.toString(), "--recheck-delay", "0s");
        assertThat(verify.code()).isEqualTo(2);
        assertThat(verify.err()).contains("NEW side").contains("orphan_t").doesNotContain("\tat ")
                .contains("create it on that side, or fix the unit's tables (dualwrite preflight lists what is missing)");
        assertThat(verify.lastLine()).startsWith("VERIFY unit=points error=NEW side");
        Run backfill = runRaw("backfill", "--config", orphan.toString());
        assertThat(backfill.code()).isEqualTo(2);
        assertThat(backfill.err()).contains("dualwrite backfill: NEW side").contains("orphan_t");
    }

    @Test
    void environmentErrorsNameTheSideTheSettingAndTheFix() throws Exception {
        Path noYaml = variant("no-yaml.yaml", "sharding-yaml: new-database.yaml", "sharding-yaml: missing.yaml");
        Run r = runRaw("status", "--config", noYaml.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("NEW side: sharding YAML " + dir.resolve("missing.yaml").toAbsolutePath().normalize()
                + " not found (datasources.new.sharding-yaml: missing.yaml in");

        Path unset = variant("unset.yaml", "username: " + pair.username(), "username: \"${DW_SURELY_UNSET_USER}\"");
        r = runRaw("status", "--config", unset.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("datasources.old.username in " + unset.toAbsolutePath().normalize()
                + " is ${DW_SURELY_UNSET_USER} but the environment variable DW_SURELY_UNSET_USER is not set");

        Path badOld = variant("bad-old.yaml", "password: \"\"", "password: \"wrong-password\"");
        r = runRaw("status", "--config", badOld.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("OLD side (" + pair.oldUrl() + "): cannot connect as user '" + pair.username())
                .contains("authentication failed: check the user name and password (datasources.old url, username"
                        + " and password in");

        Files.writeString(dir.resolve("new-bad.yaml"), Files.readString(dir.resolve("new-database.yaml"))
                .replace("password: ''", "password: 'wrong-password'"));
        Path badNew = variant("bad-new.yaml", "sharding-yaml: new-database.yaml", "sharding-yaml: new-bad.yaml");
        r = runRaw("verify", "--config", badNew.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("NEW side").contains("authentication failed");
    }

    @Test
    void verifySaysHowManyDifferencesItLeftOutAndSamplesCountEachRowOnce() {
        seedOld(60); // 240 rows, none on the new side
        Run found = run("verify", "--recheck-delay", "0s");
        assertThat(found.code()).isEqualTo(1);
        assertThat(found.out()).contains("  ... and 140 more not listed (the counts below are complete)");
        assertThat(found.lastLine()).contains("rows=240 missing=240");

        Run sample = run("verify", "--mode", "sample", "--samples", "10", "--chunk", "100", "--recheck-delay", "0s");
        assertThat(sample.code()).isEqualTo(1);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("rows=(\\d+) missing=(\\d+)").matcher(sample.lastLine());
        assertThat(m.find()).as(sample.lastLine()).isTrue();
        assertThat(Long.parseLong(m.group(1))).as("each row compared once").isBetween(1L, 240L)
                .isEqualTo(Long.parseLong(m.group(2)));
    }
}
