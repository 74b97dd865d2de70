package io.github.dualwrite.cli;

import io.github.dualwrite.sync.Backfill;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dualwrite backfill}: copies existing rows to the other side, never overwriting newer ones. */
@Command(name = "backfill", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Copy existing rows from the old side to the new one in key ranges. A missing row is"
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

    @Override
    public Integer call() throws Exception {
        try (ToolContext ctx = ToolContext.open(common)) {
            PrintWriter out = spec.commandLine().getOut();
            out.println(ctx.live().describe());
            ConsoleProgress progress = VerifyCommand.progress(spec);
            Backfill backfill = Backfill.builder(ctx.rowSync(), ctx.control()).checkpoints(ctx.checkpoints())
                    .threads(threads).chunkSize(chunk).maxRowsPerSecond(maxRowsPerSecond).progress(progress).build();
            for (String u : unit.units(ctx)) {
                Backfill.Report report = backfill.run(u);
                progress.finish();
                out.println(report.line());
            }
            return 0;
        }
    }
}
