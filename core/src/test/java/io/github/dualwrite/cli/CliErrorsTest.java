package io.github.dualwrite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** What the command line says before it reaches a database: help, usage errors, option formats. */
class CliErrorsTest {

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    private static List<String> commands() {
        List<String> names = new ArrayList<>(new CommandLine(MainAccess.main()).getSubcommands().keySet());
        names.remove("help");
        return names;
    }

    @Test
    void everyCommandHasHelpInThreeSpellingsWithDefaultsAndEveryOptionDescribed() {
        assertThat(commands()).contains("preflight", "backfill", "verify", "repair", "resolve", "status", "explain",
                "stage", "ratio", "publish", "history");
        for (String name : commands()) {
            for (String[] args : List.of(new String[] {name, "--help"}, new String[] {name, "-h"},
                    new String[] {"help", name})) {
                Run help = run(args);
                assertThat(help.code()).as(String.join(" ", args) + ": " + help.err()).isZero();
                assertThat(help.out()).as(String.join(" ", args)).contains("Usage: dualwrite " + name)
                        .doesNotContain("Missing required");
            }
            CommandLine sub = new CommandLine(MainAccess.main()).getSubcommands().get(name);
            for (OptionSpec option : sub.getCommandSpec().options()) {
                assertThat(String.join(" ", option.description())).as(name + " " + option.longestName()).isNotBlank();
            }
        }
        assertThat(run("verify", "--help").out()).contains("Default: 2s").contains("Default: full");
        assertThat(run("repair", "--help").out()).contains("--max-attempts").contains("Default: 10")
                .doesNotContain("--unit");
        assertThat(run("resolve", "--help").out()).contains("--unit");
    }

    @Test
    void noArgumentsPrintsUsageAndIsAUsageError() {
        Run none = run();
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("Usage: dualwrite").contains("Exit codes:").contains("give a command");
    }

    @Test
    void verifyKeysModeWithoutKeysIsAUsageError() {
        Run r = run("verify", "--mode", "keys", "--config", "does-not-matter.yaml");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--mode keys needs --keys");
        assertThat(r.out()).contains("VERIFY unit=* error=--mode keys needs --keys");
    }

    @Test
    void sinceTakesTimesDatesAndDurationsAndSaysTheFormatOtherwise() {
        Run r = run("verify", "--mode", "since", "--since", "yesterday");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("'yesterday' is not a time; write an ISO instant like 2026-11-30T08:00:00Z, a UTC"
                + " date like 2026-11-30, or a duration back from now like 2h");
        java.time.Instant now = java.time.Instant.parse("2026-11-30T10:00:00Z");
        assertThat(Converters.instant("2h", now)).isEqualTo(java.time.Instant.parse("2026-11-30T08:00:00Z"));
        assertThat(Converters.instant("2026-11-29", now)).isEqualTo(java.time.Instant.parse("2026-11-29T00:00:00Z"));
        assertThat(Converters.instant("2026-11-29T07:30:00", now)).isEqualTo(java.time.Instant.parse("2026-11-29T07:30:00Z"));
    }

    @Test
    void durationsAreWrittenLikeInTheYaml() {
        assertThat(Converters.duration("2s")).hasSeconds(2);
        assertThat(Converters.duration("500ms")).hasMillis(500);
        assertThat(Converters.duration("PT2S")).hasSeconds(2);
        assertThat(Converters.duration("5m")).hasMinutes(5);
        Run r = run("verify", "--recheck-delay", "2 seconds");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("'2 seconds' is not a duration; write e.g. 500ms, 2s, 5m, 1h or PT2S");
    }

    @Test
    void partsAndBucketRangesAreChecked() {
        assertThat(Converters.Part.parse("2/4")).isEqualTo(new Converters.Part(2, 4));
        assertThat(Converters.Buckets.parse("100..499")).isEqualTo(new Converters.Buckets(100, 499));
        assertThat(run("verify", "--buckets", "500..100").err()).contains("write lo..hi with 0 <= lo <= hi <= 9999");
    }

    @Test
    void aMissingConfigFileSaysWhereItLookedAndWhatToDo() {
        Run r = run("status", "--config", "/nonexistent/dualwrite.yaml");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("config file /nonexistent/dualwrite.yaml not found; give --config with the"
                + " migration YAML").doesNotContain("\tat ");
        Run traced = run("status", "--config", "/nonexistent/dualwrite.yaml", "--trace");
        assertThat(traced.err()).contains("\tat ");
    }
}
