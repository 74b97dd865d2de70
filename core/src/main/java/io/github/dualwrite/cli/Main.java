package io.github.dualwrite.cli;

import io.github.dualwrite.DualWriteDataSource;
import io.github.dualwrite.config.Secrets;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.UnitConfig;
import io.github.dualwrite.journal.JournalEntry;
import io.github.dualwrite.journal.Journal;
import io.github.dualwrite.routing.Router;
import io.github.dualwrite.sync.Backfill;
import io.github.dualwrite.sync.Preflight;
import io.github.dualwrite.sync.Repairer;
import io.github.dualwrite.sync.Verifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dualwrite preflight|backfill|verify|repair|resolve|status|explain --config dualwrite.yaml [--unit U]}: the
 * migration tools on the same YAML as the library (with its {@code datasources} section).
 *
 * <p>Exit codes: 0 success (verify: both sides equal), 1 a check failed (verify: differences found; repair
 * --until-empty: entries left; status: entries wait for a person, CONFLICT or DEAD), 2 error. The last line of {@code verify} is machine-readable:
 * {@code VERIFY unit=<u> rows=<n> missing=<n> extra=<n> different=<n> rechecked=<n> rows_per_s=<n>}.
 */
@Command(name = "dualwrite", mixinStandardHelpOptions = true, version = "dualwrite 0.1.0",
        description = "Migration tools: preflight checks, backfill, verify (and repair), journal repair, status, explain.",
        subcommands = {Main.PreflightCommand.class, Main.BackfillCommand.class, Main.VerifyCommand.class,
            Main.RepairCommand.class, Main.ResolveCommand.class, Main.StatusCommand.class, Main.ExplainCommand.class})
public final class Main implements Runnable {

    /** Exit code when a check fails or verify finds differences. */
    static final int FOUND = 1;
    /** Exit code on errors. */
    static final int ERROR = 2;

    @Spec
    CommandSpec spec;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line and returns the exit code (tests call this). */
    static int run(String[] args, PrintWriter out, PrintWriter err) {
        // the CLI jar carries slf4j-simple: warnings and errors of the library to stderr
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("dualwrite.log", "warn"));
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.shardingsphere", "error");
        System.setProperty("org.slf4j.simpleLogger.log.com.zaxxer.hikari", "error");
        CommandLine cmd = new CommandLine(new Main());
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("dualwrite: " + Secrets.message(e));
            if (Boolean.getBoolean("dualwrite.trace")) {
                java.io.StringWriter trace = new java.io.StringWriter();
                e.printStackTrace(new PrintWriter(trace));
                commandLine.getErr().print(Secrets.mask(trace.toString()));
            }
            commandLine.getErr().flush();
            return ERROR;
        });
        int code = cmd.execute(args);
        out.flush();
        err.flush();
        return code == CommandLine.ExitCode.USAGE ? ERROR : code;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options every command takes. */
    static final class Common {
        @Option(names = "--config", required = true, description = "the migration YAML (with a datasources section)")
        Path config;

        @Option(names = "--unit", description = "one unit only (default: every unit)")
        String unit;

        List<String> units(ToolContext ctx) {
            if (unit != null) {
                if (ctx.config.unit(unit).isEmpty()) {
                    throw new IllegalArgumentException("no unit '" + unit + "' in " + config + "; units: "
                            + ctx.config.units().keySet());
                }
                return List.of(unit);
            }
            return new ArrayList<>(ctx.config.units().keySet());
        }
    }

    static ConsoleProgress progress(CommandSpec spec) {
        PrintWriter out = spec.commandLine().getOut();
        return new ConsoleProgress(out, System.console() != null, Duration.ofSeconds(5));
    }

    @Command(name = "preflight", description = "Check tables, columns, keys, sharding and id sequences before DUAL_WRITE.")
    static final class PreflightCommand implements Callable<Integer> {
        @Mixin
        Common common;
        @Spec
        CommandSpec spec;
        @Option(names = "--id-margin", defaultValue = "100000", description = "ids the old side may still hand out")
        long idMargin;

        @Override
        public Integer call() throws Exception {
            try (ToolContext ctx = ToolContext.open(common.config)) {
                Preflight.Report report = Preflight.builder(ctx.oldDataSource, ctx.newDataSource, ctx.config)
                        .shardingYaml(ctx.shardingYaml).shards(ctx.shards()).idMargin(idMargin).build().run(common.unit);
                PrintWriter out = spec.commandLine().getOut();
                report.checks().forEach(out::println);
                out.println("PREFLIGHT " + (report.passed() ? "passed" : "failed: " + report.failures().size() + " checks"));
                return report.passed() ? 0 : FOUND;
            }
        }
    }

    @Command(name = "backfill", description = "Copy existing rows old -> new; never overwrites newer rows; resumable.")
    static final class BackfillCommand implements Callable<Integer> {
        @Mixin
        Common common;
        @Spec
        CommandSpec spec;
        @Option(names = "--threads", defaultValue = "2")
        int threads;
        @Option(names = "--chunk", defaultValue = "2000")
        int chunk;
        @Option(names = "--max-rows-per-second", defaultValue = "0", description = "0: no limit")
        long maxRowsPerSecond;

        @Override
        public Integer call() throws Exception {
            try (ToolContext ctx = ToolContext.open(common.config)) {
                ConsoleProgress progress = progress(spec);
                Backfill backfill = Backfill.builder(ctx.rowSync, ctx.control).checkpoints(ctx.checkpoints).threads(threads)
                        .chunkSize(chunk).maxRowsPerSecond(maxRowsPerSecond).progress(progress).build();
                for (String unit : common.units(ctx)) {
                    Backfill.Report report = backfill.run(unit);
                    progress.finish();
                    spec.commandLine().getOut().println(report.line());
                }
                return 0;
            }
        }
    }

    @Command(name = "verify", description = "Compare both sides; exit 0 equal, 1 differences, 2 error.")
    static final class VerifyCommand implements Callable<Integer> {
        @Mixin
        Common common;
        @Spec
        CommandSpec spec;
        @Option(names = "--mode", defaultValue = "full", description = "full, keys, since or sample")
        String mode;
        @Option(names = "--keys", split = ",", description = "routing keys, for --mode keys")
        List<String> keys = new ArrayList<>();
        @Option(names = "--since", description = "ISO instant, for --mode since (version column)")
        String since;
        @Option(names = "--samples", defaultValue = "10", description = "chunks, for --mode sample")
        int samples;
        @Option(names = "--repair", description = "fix every difference through RowSync")
        boolean repair;
        @Option(names = "--rechecks", defaultValue = "1")
        int rechecks;
        @Option(names = "--recheck-delay", defaultValue = "PT2S", description = "ISO duration before a difference is re-read")
        Duration recheckDelay;
        @Option(names = "--chunk", defaultValue = "5000")
        int chunk;
        @Option(names = "--max-rows-per-second", defaultValue = "0", description = "0: no limit")
        long maxRowsPerSecond;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            String current = common.unit == null ? "*" : common.unit;
            try (ToolContext ctx = ToolContext.open(common.config)) {
                ConsoleProgress progress = progress(spec);
                Verifier verifier = Verifier.builder(ctx.rowSync, ctx.control).checkpoints(ctx.checkpoints)
                        .progress(progress).recheck(rechecks, recheckDelay).chunkSize(chunk)
                        .maxRowsPerSecond(maxRowsPerSecond).repair(repair).build();
                boolean equal = true;
                for (String unit : common.units(ctx)) {
                    current = unit;
                    Verifier.Report report = switch (mode) {
                        case "full" -> verifier.full(unit);
                        case "keys" -> verifier.keys(unit, keys);
                        case "since" -> verifier.since(unit, Instant.parse(require(since, "--since")));
                        case "sample" -> verifier.sample(unit, samples, System.nanoTime());
                        default -> throw new IllegalArgumentException("--mode " + mode + " is not full, keys, since or sample");
                    };
                    progress.finish();
                    report.differences().forEach(d -> out.println("  " + d));
                    if (report.repaired() > 0) {
                        out.println("  repaired " + report.repaired() + " differences; run verify again to confirm");
                    }
                    out.println(report.line());
                    equal &= report.equal();
                }
                return equal ? 0 : FOUND;
            } catch (Exception e) {
                spec.commandLine().getErr().println("dualwrite: verify failed: " + Secrets.message(e));
                out.println("VERIFY unit=" + current + " error=" + Secrets.message(e).replace('\n', ' '));
                return ERROR;
            }
        }

        private static String require(String value, String option) {
            if (value == null) {
                throw new IllegalArgumentException(option + " is required for this mode");
            }
            return value;
        }
    }

    @Command(name = "repair", description = "Repair every due journal entry once (with leases: safe beside running apps),"
            + " or with --until-empty until the journal is drained.")
    static final class RepairCommand implements Callable<Integer> {
        @Mixin
        Common common;
        @Spec
        CommandSpec spec;
        @Option(names = "--batch", defaultValue = "5000", description = "entries leased per batch")
        int batch;
        @Option(names = "--threads", defaultValue = "4", description = "users repaired at once")
        int threads;
        @Option(names = "--max-attempts", defaultValue = "10",
                description = "attempts before an entry that keeps failing is given up (DEAD); an unreachable side is"
                        + " waited for")
        int maxAttempts;
        @Option(names = "--until-empty", description = "repair until no entry is pending (before every authority move)")
        boolean untilEmpty;
        @Option(names = "--timeout", defaultValue = "PT10M", description = "how long --until-empty may take")
        Duration timeout;
        @Option(names = "--retry-dead", description = "first put every DEAD entry back to PENDING (after fixing its cause)")
        boolean retryDead;

        @Override
        public Integer call() throws Exception {
            if (common.unit != null) {
                // the journal is drained in claim order whatever the unit: silently repairing all would surprise
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "repair drains the whole journal, every unit; run it without --unit " + common.unit);
            }
            try (ToolContext ctx = ToolContext.open(common.config);
                 Repairer repairer = Repairer.builder(ctx.journal, ctx.rowSync).batchSize(batch).maxAttempts(maxAttempts)
                         .threads(threads).owner("cli-" + ProcessHandle.current().pid()).build()) {
                if (retryDead) {
                    spec.commandLine().getOut().printf("RETRY dead=%d%n", ctx.journal.retryDead(Instant.now()));
                }
                if (untilEmpty) {
                    io.github.dualwrite.sync.Repairer.DrainResult drained = repairer.drain(timeout);
                    spec.commandLine().getOut().println(drained);
                    return drained.drained() ? 0 : FOUND;
                }
                Repairer.Run run = repairer.runOnce();
                spec.commandLine().getOut().printf("REPAIR claimed=%d repaired=%d retry=%d dead=%d pending=%d%n",
                        run.claimed(), run.repaired(), run.failed(), run.dead(), ctx.journal.pendingCount());
                return run.dead() > 0 ? FOUND : 0;
            }
        }
    }

    @Command(name = "status", description = "Stages, gray shares, journal and checkpoints at a glance.")
    static final class StatusCommand implements Callable<Integer> {
        @Mixin
        Common common;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try (ToolContext ctx = ToolContext.open(common.config)) {
                PrintWriter out = spec.commandLine().getOut();
                out.println("config " + ctx.configFile.toAbsolutePath());
                for (String name : common.units(ctx)) {
                    UnitConfig u = ctx.config.units().get(name);
                    out.printf("unit %s: stage %s, gray %s at %d bp (%.2f%%), whitelist %d, blacklist %d, tables %s%n",
                            u.name(), u.stage(), u.gray().stage(), u.gray().ratio(), u.gray().ratio() / 100.0,
                            u.gray().whitelist().size(), u.gray().blacklist().size(), u.tables().keySet());
                }
                Journal.Stats stats = ctx.journal.stats();
                Instant now = Instant.now();
                out.printf("journal PENDING=%d (OLD behind %d, NEW behind %d) CONFLICT=%d DEAD=%d DONE=%d, oldest"
                        + " unresolved %s, size %d%n", stats.pending(), stats.pendingBySide().getOrDefault(Side.OLD, 0L),
                        stats.pendingBySide().getOrDefault(Side.NEW, 0L), stats.conflicts(), stats.dead(), stats.done(),
                        stats.oldestUnresolved() == null ? "-" : stats.oldestAge(now).toSeconds() + " s ago", stats.size());
                int shown = 0;
                for (Journal.UnresolvedGroup g : ctx.journal.unresolved()) {
                    if (g.status() == JournalEntry.Status.PENDING || shown++ >= 20) {
                        continue;
                    }
                    out.printf("  %s %s.%s user %s: %d entries (%s behind) since %s; %s%n", g.status(), g.unit(), g.table(),
                            g.routingKey(), g.count(), g.behind(), g.oldest(), g.status() == JournalEntry.Status.DEAD
                                    ? "retry: dualwrite repair --retry-dead"
                                    : "decide: dualwrite resolve --unit " + g.unit() + " --table " + g.table() + " --key "
                                    + g.routingKey() + " --trusted OLD|NEW --by <your name>");
                }
                return stats.conflicts() + stats.dead() > 0 ? FOUND : 0;
            }
        }
    }

    @Command(name = "resolve", description = "A person's decision on a user's rows in CONFLICT: which side holds the"
            + " right rows. Closes the user's entries of the table; the next repair copies that side over the other.")
    static final class ResolveCommand implements Callable<Integer> {
        @Mixin
        Common common;
        @Spec
        CommandSpec spec;
        @Option(names = "--table", required = true, description = "the table")
        String table;
        @Option(names = "--key", required = true, description = "the user (routing key)")
        String key;
        @Option(names = "--trusted", required = true, description = "the side whose rows are right: OLD or NEW")
        Side trusted;
        @Option(names = "--by", required = true, description = "who decided (kept in the journal)")
        String by;

        @Override
        public Integer call() throws Exception {
            if (common.unit == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "resolve needs --unit");
            }
            try (ToolContext ctx = ToolContext.open(common.config);
                 Repairer repairer = Repairer.builder(ctx.journal, ctx.rowSync).owner("cli-" + ProcessHandle.current().pid())
                         .build()) {
                common.units(ctx);
                int closed = repairer.resolve(common.unit, table, key, trusted, by);
                spec.commandLine().getOut().printf("RESOLVE unit=%s table=%s key=%s trusted=%s closed=%d; run dualwrite"
                        + " repair to copy %s over %s%n", common.unit, table, key, trusted, closed, trusted, trusted.other());
                return 0;
            }
        }
    }

    @Command(name = "explain", description = "Where a user's statements go (--key), or a statement (--sql).")
    static final class ExplainCommand implements Callable<Integer> {
        @Mixin
        Common common;
        @Spec
        CommandSpec spec;
        @Option(names = "--key", description = "a routing key (user id)")
        String key;
        @Option(names = "--sql", description = "a statement")
        String sql;
        @Option(names = "--param", description = "its parameters, in order")
        List<String> params = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            try (ToolContext ctx = ToolContext.open(common.config)) {
                PrintWriter out = spec.commandLine().getOut();
                if (key != null) {
                    Router router = new Router(ctx.control);
                    for (String unit : common.units(ctx)) {
                        out.println(router.explain(unit, key));
                    }
                }
                if (sql != null) {
                    try (DualWriteDataSource ds = DualWriteDataSource.builder().oldDataSource(ctx.oldDataSource)
                            .newDataSource(ctx.newDataSource).control(ctx.control).journal(ctx.journal).build()) {
                        Object[] values = params.stream().map(ExplainCommand::value).toArray();
                        out.println(ds.explain(sql, values));
                    }
                }
                if (key == null && sql == null) {
                    throw new IllegalArgumentException("give --key or --sql");
                }
                return 0;
            }
        }

        private static Object value(String s) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                return s;
            }
        }
    }
}
