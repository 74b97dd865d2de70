package io.github.dualwrite.cli;

import io.github.dualwrite.config.Side;
import io.github.dualwrite.sync.Backfill;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dualwrite backfill}: copies existing rows to the other side, never overwriting newer ones. */
@Command(name = "backfill", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Copy existing rows from the old side to the new one (or back: --direction new-to-old) in key"
                + " ranges. A missing row is"
                + " inserted; an existing row is updated only when the copy is newer by the version column, so a"
                + " dual write that lands meanwhile wins. Resumable: a killed run continues from its checkpoints.",
            "Prints BACKFILL unit=<u> scanned=<n> inserted=<n> updated=<n> skipped=<n> per unit."})
final class BackfillCommand implements Callable<Integer> {

    @Mixin
    Common common;
    @Mixin
    UnitOption unit;
    @Spec
    CommandSpec spec;
    @Option(names = "--threads", paramLabel = "N", defaultValue = "2",
            description = "Key ranges copied at once per table (each holds one old and one new connection).")
    int threads;
    @Option(names = "--chunk", paramLabel = "ROWS", defaultValue = "2000", description = "Rows read and written per step.")
    int chunk;
    @Option(names = "--max-rows-per-second", paramLabel = "N", defaultValue = "0",
            description = "Throttle, rows per second over all threads; 0 means no limit.")
    long maxRowsPerSecond;
    @Option(names = "--direction", paramLabel = "DIRECTION", defaultValue = "old-to-new",
            description = "old-to-new, or new-to-old: the reverse sync that opens the way back from NEW_ONLY (same"
                    + " never-overwrite-newer rule, copying the new side's rows to the old one).")
    String direction;
    @Option(names = "--since", paramLabel = "TIME", converter = Converters.InstantConverter.class,
            description = "Only rows whose version column is at or after this time (incremental: an ISO instant, a UTC"
                    + " date or a duration back from now like 2h).")
    Instant since;
    @Option(names = "--part", paramLabel = "I/N", converter = Converters.PartConverter.class,
            description = "Copy part I of N disjoint parts of each table's key range; run the other parts in other"
                    + " processes or hosts at the same time. Each part keeps its own checkpoints.")
    Converters.Part part;

    @Override
    public Integer call() throws Exception {
        if (!direction.equals("old-to-new") && !direction.equals("new-to-old")) {
            throw CliException.error("--direction " + direction + " is not old-to-new or new-to-old");
        }
        boolean reverse = direction.equals("new-to-old");
        if (part != null && since != null) {
            throw CliException.error("--since copies a version window in one process; leave out --part");
        }
        try (ToolContext ctx = ToolContext.open(common)) {
            PrintWriter out = spec.commandLine().getOut();
            out.println(ctx.live().describe());
            ConsoleProgress progress = VerifyCommand.progress(spec);
            Backfill.Builder builder = Backfill.builder(ctx.rowSync(), ctx.control()).checkpoints(ctx.checkpoints())
                    .threads(threads).chunkSize(chunk).maxRowsPerSecond(maxRowsPerSecond).progress(progress)
                    .direction(reverse ? Side.NEW : Side.OLD).since(since);
            if (part != null) {
                builder.part(part.index(), part.count());
            }
            Backfill backfill = builder.build();
            for (String u : unit.units(ctx)) {
                Instant started = Instant.now();
                Backfill.Report report = backfill.run(u);
                progress.finish();
                out.println(report.line() + (reverse ? " direction=new-to-old" : "")
                        + (part != null ? " part=" + part : ""));
                if (reverse && part == null) {
                    // the way back is open from here on, for the rows changed before this run started
                    ctx.checkpoints().save(Jobs.MARK + u, started.toString(), report.scanned());
                    out.println("  the old side now has the new side's rows as of " + started + "; before moving "
                            + u + " back, copy what changed since: dualwrite backfill --unit " + u
                            + " --direction new-to-old --since " + started);
                }
            }
            return 0;
        }
    }
}
