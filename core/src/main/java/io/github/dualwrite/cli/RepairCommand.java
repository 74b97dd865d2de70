package io.github.dualwrite.cli;

import io.github.dualwrite.sync.Repairer;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dualwrite repair}: drains the journal (every unit: the journal is repaired in claim order). */
@Command(name = "repair", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Repair every due journal entry once, or with --until-empty until the journal is drained."
                + " Uses leases, so it is safe beside running applications. Works on every unit.",
            "Exit 0 when nothing is left (or nothing gave up), 1 when entries are left, dead or in conflict."})
final class RepairCommand implements Callable<Integer> {

    @Mixin
    Common common;
    @Spec
    CommandSpec spec;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "5000", description = "Entries leased per batch.")
    int batch;
    @Option(names = "--threads", paramLabel = "N", defaultValue = "4", description = "Users repaired at once.")
    int threads;
    @Option(names = "--max-attempts", paramLabel = "N", defaultValue = "10",
            description = "Attempts before an entry that keeps failing is given up (DEAD); an unreachable side is"
                    + " waited for and does not count.")
    int maxAttempts;
    @Option(names = "--until-empty", description = "Repair until no entry is pending (do this before every move of"
            + " the authority or the read side).")
    boolean untilEmpty;
    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m",
            converter = Converters.DurationConverter.class, description = "How long --until-empty may take (500ms,"
            + " 2s, 5m, 1h or PT10M).")
    Duration timeout;
    @Option(names = "--retry-dead", description = "First put every DEAD entry back to PENDING (after fixing its cause).")
    boolean retryDead;

    @Override
    public Integer call() throws Exception {
        try (ToolContext ctx = ToolContext.open(common);
             Repairer repairer = Repairer.builder(ctx.journal(), ctx.rowSync()).batchSize(batch).maxAttempts(maxAttempts)
                     .threads(threads).owner("cli-" + ProcessHandle.current().pid()).build()) {
            PrintWriter out = spec.commandLine().getOut();
            out.println(ctx.live().describe());
            if (retryDead) {
                out.printf("RETRY dead=%d%n", ctx.journal().retryDead(Instant.now()));
            }
            if (untilEmpty) {
                Repairer.DrainResult drained = repairer.drain(timeout);
                out.println(drained);
                return drained.drained() ? 0 : Main.FOUND;
            }
            Repairer.Run run = repairer.runOnce();
            out.printf("REPAIR claimed=%d repaired=%d retry=%d dead=%d pending=%d%n", run.claimed(), run.repaired(),
                    run.failed(), run.dead(), ctx.journal().pendingCount());
            return run.dead() > 0 ? Main.FOUND : 0;
        }
    }
}
