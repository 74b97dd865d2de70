package io.github.dualwrite.cli;

import io.github.dualwrite.sync.Verifier;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dualwrite verify}: compares both sides; optionally repairs what differs. */
@Command(name = "verify", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Compare both sides row by row and list what differs; optionally repair it. A difference is"
                + " re-read after --recheck-delay before it counts (writes in flight clear themselves).",
            "Lists the first 100 differences, then one machine-readable line:",
            "VERIFY unit=<u> rows=<n> missing=<n> extra=<n> different=<n> rechecked=<n> rows_per_s=<n>",
            "Exit 0 when both sides are equal (or --repair fixed every difference), 1 when differences remain,"
                + " 2 on errors."})
final class VerifyCommand implements Callable<Integer> {

    /** Verification modes. */
    enum Mode { full, keys, since, sample }

    @Mixin
    Common common;
    @Mixin
    UnitOption unit;
    @Spec
    CommandSpec spec;
    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "full",
            description = "full (every row, resumable), keys (the users in --keys), since (rows whose version column"
                    + " is at or after --since), sample (--samples chunks at random keys). Valid: ${COMPLETION-CANDIDATES}.")
    Mode mode;
    @Option(names = "--keys", split = ",", paramLabel = "KEY", description = "Routing keys (user ids) for --mode keys,"
            + " comma-separated.")
    List<String> keys = new ArrayList<>();
    @Option(names = "--since", paramLabel = "TIME", converter = Converters.InstantConverter.class,
            description = "For --mode since: an ISO instant (2026-11-30T08:00:00Z), a UTC date (2026-11-30) or a"
                    + " duration back from now (2h).")
    Instant since;
    @Option(names = "--buckets", paramLabel = "LO..HI", converter = Converters.BucketsConverter.class,
            description = "Only the users whose bucket (user id mod 10000; CRC32 for text ids) is in this range, e.g."
                    + " 100..499: the share a ratio bump from 100 to 500 moves. Compares them by routing key.")
    Converters.Buckets buckets;
    @Option(names = "--part", paramLabel = "I/N", converter = Converters.PartConverter.class,
            description = "With --mode full: compare part I of N disjoint parts of each table's key range; run the"
                    + " other parts in other processes at the same time. Each part keeps its own checkpoints.")
    Converters.Part part;
    @Option(names = "--samples", paramLabel = "N", defaultValue = "10", description = "Chunks compared, for --mode sample.")
    int samples;
    @Option(names = "--repair", description = "Fix every difference that remains, copying from the side that is the"
            + " authority in the live document.")
    boolean repair;
    @Option(names = "--rechecks", paramLabel = "N", defaultValue = "1", description = "How often a difference is re-read"
            + " before it counts.")
    int rechecks;
    @Option(names = "--recheck-delay", paramLabel = "DURATION", defaultValue = "2s",
            converter = Converters.DurationConverter.class, description = "Wait before a re-read (500ms, 2s, 5m or PT2S).")
    Duration recheckDelay;
    @Option(names = "--chunk", paramLabel = "ROWS", defaultValue = "5000", description = "Rows in the first chunk"
            + " (100..50000); later chunks adapt to take about 0.5 s.")
    int chunk;
    @Option(names = "--max-rows-per-second", paramLabel = "N", defaultValue = "0",
            description = "Throttle; 0 means no limit.")
    long maxRowsPerSecond;

    static ConsoleProgress progress(CommandSpec spec) {
        return new ConsoleProgress(spec.commandLine().getOut(), System.console() != null, Duration.ofSeconds(5));
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        String current = unit.unit == null ? "*" : unit.unit;
        try {
            checkOptions();
        } catch (CliException e) {
            return failed(out, current, e);
        }
        try (ToolContext ctx = ToolContext.open(common)) {
            out.println(ctx.live().describe());
            ConsoleProgress progress = progress(spec);
            Verifier.Builder builder = Verifier.builder(ctx.rowSync(), ctx.control()).checkpoints(ctx.checkpoints())
                    .progress(progress).recheck(rechecks, recheckDelay).chunkSize(chunk)
                    .maxRowsPerSecond(maxRowsPerSecond).repair(repair);
            if (part != null) {
                builder.part(part.index(), part.count());
            }
            Verifier verifier = builder.build();
            boolean clean = true;
            for (String u : unit.units(ctx)) {
                current = u;
                if (buckets != null) {
                    List<Object> users = Evidence.keysIn(ctx, u, buckets);
                    out.println("buckets " + buckets + " of unit " + u + ": " + Main.count(users.size(), "user"));
                    clean &= print(out, verifier.keys(u, users));
                    continue;
                }
                Verifier.Report report = switch (mode) {
                    case full -> verifier.full(u);
                    case keys -> verifier.keys(u, keys);
                    case since -> verifier.since(u, since);
                    case sample -> verifier.sample(u, samples, System.nanoTime());
                };
                progress.finish();
                if (part != null) {
                    out.println("  part " + part + " of unit " + u);
                }
                clean &= print(out, report);
            }
            return clean ? 0 : Main.FOUND;
        } catch (Exception e) {
            return failed(out, current, e);
        }
    }

    private void checkOptions() {
        if (mode == Mode.keys && keys.isEmpty()) {
            throw CliException.error("--mode keys needs --keys <user id>,<user id>,... (the users to compare)");
        }
        if (mode == Mode.since && since == null) {
            throw CliException.error("--mode since needs --since <time>, e.g. --since 2026-11-30T08:00:00Z or --since 2h");
        }
        if (mode != Mode.keys && !keys.isEmpty() || mode != Mode.since && since != null) {
            throw CliException.error("--keys goes with --mode keys and --since with --mode since; the mode is " + mode);
        }
        if (part != null && (mode != Mode.full || buckets != null)) {
            throw CliException.error("--part splits a full verification; leave out --mode " + mode
                    + (buckets != null ? " and --buckets" : ""));
        }
        if (buckets != null && mode != Mode.full) {
            throw CliException.error("--buckets picks the users itself; leave out --mode " + mode);
        }
    }

    /** Reports an error; the last line stays machine-readable. */
    private int failed(PrintWriter out, String unitName, Exception e) {
        spec.commandLine().getErr().println("dualwrite verify: " + Failures.describe(e));
        if (common.trace) {
            e.printStackTrace(spec.commandLine().getErr());
        }
        out.println("VERIFY unit=" + unitName + " error=" + Failures.describe(e).replace('\n', ' '));
        return e instanceof CliException c ? c.exitCode() : Main.ERROR;
    }

    /** Prints the differences and the summary; whether nothing is left to do. */
    static boolean print(PrintWriter out, Verifier.Report report) {
        report.differences().forEach(d -> out.println("  " + d));
        long found = report.missing() + report.extra() + report.different();
        if (found > report.differences().size()) {
            out.println("  ... and " + (found - report.differences().size()) + " more not listed (the counts below"
                    + " are complete)");
        }
        boolean allRepaired = found > 0 && report.repaired() >= found;
        if (report.repaired() > 0) {
            out.println("  repaired " + report.repaired() + " of " + Main.count(found, "difference")
                    + (allRepaired ? "; run verify again to confirm" : "; the rest could not be repaired (see the"
                    + " warnings), run verify again"));
        }
        out.println(report.line());
        return report.equal() || allRepaired;
    }
}
