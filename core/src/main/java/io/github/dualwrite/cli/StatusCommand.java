package io.github.dualwrite.cli;

import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.config.UnitConfig;
import io.github.dualwrite.journal.Journal;
import io.github.dualwrite.journal.JournalEntry;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code dualwrite status}: the live stages, gray shares, the way back, the journal, running jobs. */
@Command(name = "status", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"The live document's version, each unit's stage and gray share, whether the way back is open,"
                + " the journal and unfinished jobs. Reads the old database only.",
            "Exit 0, or 1 when journal entries wait for a person (CONFLICT or DEAD)."})
final class StatusCommand implements Callable<Integer> {

    @Mixin
    Common common;
    @Mixin
    UnitOption unit;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try (ToolContext ctx = ToolContext.open(common)) {
            PrintWriter out = spec.commandLine().getOut();
            out.println(ctx.live().describe());
            Journal.Stats stats = ctx.journal().stats();
            List<Jobs.Job> jobs = Jobs.list(ctx.oldSide());
            for (String name : unit.units(ctx)) {
                UnitConfig u = ctx.config().units().get(name);
                out.printf("unit %s: stage %s, gray %s at %d bp (%.2f%%), whitelist %d, blacklist %d, tables %s%n",
                        u.name(), u.stage(), u.gray().stage(), u.gray().ratio(), u.gray().ratio() / 100.0,
                        u.gray().whitelist().size(), u.gray().blacklist().size(), u.tables().keySet());
                out.println("  way back: " + wayBack(u, jobs, ctx.journal().unresolved()));
            }
            Instant now = Instant.now();
            out.printf("journal PENDING=%d (OLD behind %d, NEW behind %d) CONFLICT=%d DEAD=%d DONE=%d, oldest"
                    + " unresolved %s, size %d%n", stats.pending(), stats.pendingBySide().getOrDefault(Side.OLD, 0L),
                    stats.pendingBySide().getOrDefault(Side.NEW, 0L), stats.conflicts(), stats.dead(), stats.done(),
                    stats.oldestUnresolved() == null ? "-" : stats.oldestAge(now).toSeconds() + " s ago", stats.size());
            int shown = 0;
            for (Journal.UnresolvedGroup g : ctx.journal().unresolved()) {
                if (g.status() == JournalEntry.Status.PENDING && JournalEntry.EVERY_TABLE.equals(g.table())) {
                    out.printf("  OUTAGE %s: %s behind since %s; a breaker makes writes skip and a process stores their"
                            + " entries; if that process stopped, the repairer verifies the whole unit once it is due%n",
                            g.unit(), g.behind(), g.oldest());
                    continue;
                }
                if (g.status() == JournalEntry.Status.PENDING || shown++ >= 20) {
                    continue;
                }
                out.printf("  %s %s.%s user %s: %d entries (%s behind) since %s; %s%n", g.status(), g.unit(), g.table(),
                        g.routingKey(), g.count(), g.behind(), g.oldest(), g.status() == JournalEntry.Status.DEAD
                                ? "retry: dualwrite repair --retry-dead"
                                : "decide: dualwrite resolve --unit " + g.unit() + " --table " + g.table() + " --key "
                                + g.routingKey() + " --trusted OLD|NEW --by <your name>");
            }
            for (Jobs.Job job : jobs) {
                if (!job.finished() && !Jobs.marker(job)) {
                    out.printf("job %s: %d rows done, at key %s, last saved %s (rerun the same command to continue)%n",
                            job.name(), job.rows(), job.position(), job.updatedAt());
                }
            }
            return stats.conflicts() + stats.dead() > 0 ? Main.FOUND : 0;
        }
    }

    /** Whether users of the unit can be moved back to the old side now, and if not, what opens the way. */
    static String wayBack(UnitConfig u, List<Jobs.Job> jobs, List<Journal.UnresolvedGroup> unresolved) {
        boolean newOnly = u.stage() == Stage.NEW_ONLY || u.gray().stage() == Stage.NEW_ONLY && u.hasGray();
        long oldBehind = unresolved.stream().filter(g -> g.unit().equals(u.name()) && g.behind() == Side.OLD)
                .mapToLong(Journal.UnresolvedGroup::count).sum();
        if (!newOnly) {
            if (u.stage() == Stage.OLD_ONLY && !u.hasGray()) {
                return "- (everything is on the old side)";
            }
            if (oldBehind > 0) {
                return "open after repair: " + oldBehind + " journal entries say the OLD side is behind; run dualwrite"
                        + " repair --until-empty first";
            }
            return "open (the old side is complete: dual write keeps it)";
        }
        Instant reverse = Jobs.lastReverseSync(jobs, u.name());
        String move = "dualwrite stage " + u.name() + " NEW_PRIMARY --force";
        if (reverse == null) {
            return "closed: in NEW_ONLY the old side gets no writes; run dualwrite backfill --unit " + u.name()
                    + " --direction new-to-old, then " + move;
        }
        return "open after catching up: the last reverse sync started at " + reverse + "; run dualwrite backfill"
                + " --unit " + u.name() + " --direction new-to-old --since " + reverse + ", then " + move;
    }
}
