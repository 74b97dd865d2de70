package io.github.dualwrite.cli;

import io.github.dualwrite.config.InvalidConfigException;
import io.github.dualwrite.config.JdbcConfigSource;
import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.config.UnitConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The commands that move the live switch shared by every application instance, and its history. */
final class SwitchCommands {

    private SwitchCommands() {
    }

    /** Options of every publishing command. */
    static final class PublishOptions {
        @Option(names = "--who", paramLabel = "NAME", defaultValue = "${sys:user.name}",
                description = "Who publishes (kept with the version, shown by history).")
        String who;
        @Option(names = "--dry-run", description = "Print the changes and the users who would move; publish nothing.")
        boolean dryRun;
        @Option(names = "--force", description = "Publish even a move that is illegal or held back by the journal gate"
                + " (every instance logs it at WARN). Needed to leave NEW_ONLY after a reverse sync.")
        boolean force;
    }

    /** A document the rules refuse to build (a stage the tables' id sources do not allow, say): refused, exit 1. */
    private static MigrationConfig build(PrintWriter out, java.util.function.Supplier<MigrationConfig> next) {
        try {
            return next.get();
        } catch (InvalidConfigException e) {
            out.println("REFUSED: " + Main.count(e.problems().size(), "problem") + "; nothing was published:");
            e.problems().forEach(p -> out.println("  " + p));
            return null;
        }
    }

    /** {@code dualwrite stage <unit> <STAGE>}. */
    @Command(name = "stage", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = {"Publish the next version of the live document with the unit's base stage changed. Checked"
                    + " like every instance checks it: one step forward, or back where nothing is lost, and held back"
                    + " while the journal says the side the users move onto is behind for them.",
                "Exit 0 published, 1 refused (the reasons are printed), 2 usage or environment error."})
    static final class StageCommand implements Callable<Integer> {
        @Mixin
        Common common;
        @Mixin
        PublishOptions publish;
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", paramLabel = "UNIT", description = "The unit.")
        String unit;
        @Parameters(index = "1", paramLabel = "STAGE", description = "The new base stage: ${COMPLETION-CANDIDATES}.")
        Stage stage;

        @Override
        public Integer call() {
            try (ToolContext ctx = ToolContext.open(common)) {
                PrintWriter out = spec.commandLine().getOut();
                out.println(ctx.live().describe());
                ctx.requireUnit(unit);
                UnitConfig u = ctx.config().units().get(unit);
                // a gray share nobody is in follows the base stage; one with users stays where it is
                UnitConfig.Gray gray = u.gray().differsFrom(u.stage()) ? u.gray() : u.gray().withStage(stage);
                MigrationConfig next = build(out, () -> ctx.config().withUnit(new UnitConfig(u.name(),
                        u.routingColumn(), u.tables(), stage, gray, u.shadowRead())));
                if (next == null) {
                    return Main.FOUND;
                }
                return new Publisher(ctx, out).publish(next, publish.who, publish.force, publish.dryRun);
            }
        }
    }

    /** {@code dualwrite ratio <unit> <basis-points> [--gray-stage S]}. */
    @Command(name = "ratio", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = {"Publish the next version of the live document with the unit's gray share changed: users"
                    + " whose bucket (user id mod 10000) is below the ratio are in the gray stage. Checked like"
                    + " stage. With --verify-first, the users about to move are verified first and the journal of the"
                    + " unit must be clean.",
                "Exit 0 published, 1 refused or differences found, 2 usage or environment error."})
    static final class RatioCommand implements Callable<Integer> {
        @Mixin
        Common common;
        @Mixin
        PublishOptions publish;
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", paramLabel = "UNIT", description = "The unit.")
        String unit;
        @Parameters(index = "1", paramLabel = "BASIS-POINTS", showDefaultValue = CommandLine.Help.Visibility.NEVER,
                description = "0..10000 (1 = 0.01 %%, 100 = 1 %%, 10000 ="
                + " everybody).")
        int ratio;
        @Option(names = "--gray-stage", paramLabel = "STAGE", description = "The stage of the gray share (the base"
                + " stage or one next to it); default: the one the live document has.")
        Stage grayStage;
        @Option(names = "--verify-first", description = "Before publishing, verify the rows of the users whose"
                + " stage changes (their bucket range) and require no unresolved journal entries for the unit.")
        boolean verifyFirst;
        @Option(names = "--recheck-delay", paramLabel = "DURATION", defaultValue = "2s",
                converter = Converters.DurationConverter.class, description = "With --verify-first: wait before a"
                + " difference is re-read.")
        Duration recheckDelay;

        @Override
        public Integer call() throws Exception {
            if (ratio < 0 || ratio > 10_000) {
                throw CliException.error("ratio " + ratio + " is out of range 0..10000 (basis points: 1 = 0.01 %,"
                        + " 100 = 1 %, 10000 = everybody)");
            }
            try (ToolContext ctx = ToolContext.open(common)) {
                PrintWriter out = spec.commandLine().getOut();
                out.println(ctx.live().describe());
                ctx.requireUnit(unit);
                UnitConfig u = ctx.config().units().get(unit);
                Stage target = grayStage != null ? grayStage : u.gray().stage();
                if (ratio > 0 && target == u.stage()) {
                    throw CliException.error("unit " + unit + " has no gray stage (it is " + u.stage() + "); give"
                            + " --gray-stage <the stage the gray users move to, next to " + u.stage() + ">");
                }
                MigrationConfig next = build(out, () -> ctx.config().withUnit(u.withGray(u.gray().withStage(target)
                        .withRatio(ratio))));
                if (next == null) {
                    return Main.FOUND;
                }
                if (verifyFirst && !publish.dryRun) {
                    int lo = Math.min(ratio, u.gray().ratio());
                    int hi = Math.max(ratio, u.gray().ratio()) - 1;
                    if (hi >= lo && !Evidence.clean(ctx, out, unit, new Converters.Buckets(lo, hi), recheckDelay)) {
                        out.println("REFUSED: the users about to move are not proven equal; nothing was published");
                        return Main.FOUND;
                    }
                }
                return new Publisher(ctx, out).publish(next, publish.who, publish.force, publish.dryRun);
            }
        }
    }

    /** {@code dualwrite publish}: a whole document, e.g. the first version. */
    @Command(name = "publish", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = {"Publish a whole document (default: the --config file, without its datasources) as the next"
                    + " version of the shared row, checked like stage. The way to publish the first version.",
                "Exit 0 published, 1 refused, 2 usage or environment error."})
    static final class PublishCommand implements Callable<Integer> {
        @Mixin
        Common common;
        @Mixin
        PublishOptions publish;
        @Spec
        CommandSpec spec;
        @Option(names = "--file", paramLabel = "FILE", description = "The document to publish; default the --config file.")
        Path file;

        @Override
        public Integer call() {
            try (ToolContext ctx = ToolContext.open(common)) {
                PrintWriter out = spec.commandLine().getOut();
                out.println(ctx.live().describe());
                MigrationConfig next = ctx.fileConfig;
                if (file != null) {
                    try {
                        next = MigrationConfig.parse(Files.readString(file, StandardCharsets.UTF_8),
                                MigrationConfig.Format.of(file));
                    } catch (IOException e) {
                        throw CliException.error("document " + file.toAbsolutePath() + " cannot be read: " + e.getMessage()
                                + "; give --file with an existing YAML or properties file", e);
                    } catch (InvalidConfigException e) {
                        throw CliException.error(file.toAbsolutePath() + ": " + e.getMessage(), e);
                    }
                }
                return new Publisher(ctx, out).publish(next, publish.who, publish.force, publish.dryRun);
            }
        }
    }

    /** {@code dualwrite history}. */
    @Command(name = "history", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = "The published versions of the shared document, newest first: who, when, what changed.")
    static final class HistoryCommand implements Callable<Integer> {
        @Mixin
        Common common;
        @Spec
        CommandSpec spec;
        @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "Versions shown.")
        int limit;

        @Override
        public Integer call() {
            try (ToolContext ctx = ToolContext.open(common);
                 JdbcConfigSource source = JdbcConfigSource.builder(ctx.oldPool(), MigrationControl.empty(Clock.systemUTC()))
                         .table(common.configTable).name(common.configName).pollInterval(Duration.ofHours(1)).build()) {
                PrintWriter out = spec.commandLine().getOut();
                out.println(ctx.live().describe());
                List<JdbcConfigSource.Published> versions = source.history(limit + 1);
                if (versions.isEmpty()) {
                    out.println("no published versions in " + common.configTable + "_history for '" + common.configName
                            + "'; publish the first with dualwrite publish");
                }
                for (int i = 0; i < Math.min(limit, versions.size()); i++) {
                    JdbcConfigSource.Published v = versions.get(i);
                    out.printf("v%d %s by %s%n", v.version(), v.updatedAt(), v.updatedBy());
                    MigrationConfig doc = parse(v);
                    if (i + 1 < versions.size() && doc != null) {
                        MigrationConfig previous = parse(versions.get(i + 1));
                        List<String> diff = previous == null ? List.of("(previous version unreadable)")
                                : Publisher.diff(previous.withForce(false), doc.withForce(false));
                        diff.forEach(line -> out.println("  " + line));
                        if (doc.force()) {
                            out.println("  (forced)");
                        }
                    } else {
                        out.println(doc == null ? "  (unreadable document)" : "  (first version shown)");
                    }
                }
                return 0;
            }
        }

        private static MigrationConfig parse(JdbcConfigSource.Published v) {
            try {
                return MigrationConfig.parse(v.document(), v.format());
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }
}
