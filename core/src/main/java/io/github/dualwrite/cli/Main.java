package io.github.dualwrite.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code dualwrite <command> [options]}: the operator's tools on the same YAML as the library (with its
 * {@code datasources} section): checks, copies and comparisons of the two sides, the journal, and the live
 * switch every application instance reads.
 *
 * <p>Exit codes: 0 clean (verify: both sides equal or every difference repaired), 1 differences or failed
 * checks found and not repaired (a refused publish, entries left after {@code repair --until-empty}, entries
 * waiting for a person in {@code status}), 2 usage or environment error. The last line of {@code verify} is
 * machine-readable: {@code VERIFY unit=<u> rows=<n> missing=<n> extra=<n> different=<n> rechecked=<n>
 * rows_per_s=<n>}.
 */
@Command(name = "dualwrite", mixinStandardHelpOptions = true, version = "dualwrite 0.1.0",
        description = "Tools for moving live tables from an old database to a new sharded one: check, copy,"
                + " compare and repair both sides, and read or move the live stage switch.",
        subcommands = {CommandLine.HelpCommand.class, PreflightCommand.class, BackfillCommand.class,
            VerifyCommand.class, RepairCommand.class, ResolveCommand.class, StatusCommand.class, ExplainCommand.class,
            SwitchCommands.StageCommand.class, SwitchCommands.RatioCommand.class, SwitchCommands.PublishCommand.class,
            SwitchCommands.HistoryCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  clean", "  1  differences or failed checks found (and not repaired), a refused publish",
            "  2  usage or environment error (bad option, missing file, database unreachable)",
            "Errors name the side, the thing and the fix; add --trace for the stack trace.",
            "Run 'dualwrite help <command>' for a command's options."})
public final class Main implements Callable<Integer> {

    /** Exit code when a check fails or verify finds differences. */
    static final int FOUND = 1;
    /** Exit code on usage and environment errors. */
    static final int ERROR = 2;

    @Spec
    CommandSpec spec;

    private Main() {
    }

    /** Runs the command line and exits with its code. */
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
        // the driver logs every failed statement; the tools report the ones that matter themselves
        System.setProperty("org.slf4j.simpleLogger.log.org.mariadb.jdbc", "error");
        boolean trace = Arrays.asList(args).contains("--trace") || Boolean.getBoolean("dualwrite.trace");
        CommandLine cmd = new CommandLine(new Main());
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter w = commandLine.getErr();
            w.println(io.github.dualwrite.config.Secrets.mask("dualwrite " + commandLine.getCommandName() + ": "
                    + Failures.describe(e)));
            if (trace) {
                java.io.StringWriter stack = new java.io.StringWriter();
                e.printStackTrace(new PrintWriter(stack));
                w.print(io.github.dualwrite.config.Secrets.mask(stack.toString()));
            }
            w.flush();
            return e instanceof CliException c ? c.exitCode() : ERROR;
        });
        int code;
        try {
            code = cmd.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
        return code == CommandLine.ExitCode.USAGE ? ERROR : code;
    }

    /** No command: the usage, and a usage error. */
    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        spec.commandLine().usage(err);
        err.println("dualwrite: give a command");
        return ERROR;
    }

    /** Plural-aware count: {@code 1 check}, {@code 2 checks}. */
    static String count(long n, String thing) {
        return n + " " + thing + (n == 1 ? "" : "s");
    }
}
