package io.github.dualwrite.cli;

import io.github.dualwrite.config.ConfigProblem;
import io.github.dualwrite.config.InvalidConfigException;
import io.github.dualwrite.config.JdbcConfigSource;
import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.config.UnitConfig;
import io.github.dualwrite.journal.JournalGate;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Publishes the next version of the shared document the way every instance would check it: validation, legal
 * stage moves and the journal gate against the version it replaces, then stored as that version's successor
 * only (someone else's version published in between is never overwritten).
 */
final class Publisher {

    private final ToolContext ctx;
    private final PrintWriter out;

    Publisher(ToolContext ctx, PrintWriter out) {
        this.ctx = ctx;
        this.out = out;
    }

    /** The control the checks run on: the journal gate over the shared journal, as in every application. */
    private MigrationControl control() {
        MigrationControl control = MigrationControl.empty(Clock.systemUTC());
        control.addGate(new JournalGate(ctx.journal(), Clock.systemUTC()));
        return control;
    }

    /**
     * Checks {@code next} against the live document and publishes it unless {@code dryRun}.
     *
     * @return the exit code: 0 published (or would be), 1 refused
     */
    int publish(MigrationConfig next, String who, boolean force, boolean dryRun) {
        LiveDocument live = ctx.live();
        MigrationConfig before = strip(live.config()).withForce(false);
        MigrationConfig proposed = strip(next).withForce(force);
        List<String> diff = diff(before, proposed.withForce(false));
        if (diff.isEmpty() && live.inTable()) {
            out.println("UNCHANGED: the live document already says so (" + (live.inTable() ? "v" + live.version()
                    : "file") + ")");
            return 0;
        }
        out.println(live.inTable() ? "changes:" : "changes against the file (the shared row has no version yet):");
        diff.forEach(line -> out.println("  " + line));
        List<String> moves = new ArrayList<>();
        for (UnitConfig after : proposed.units().values()) {
            for (MigrationControl.UserMove m : MigrationControl.UserMove.between(before.units().get(after.name()), after)) {
                if (m.moves()) {
                    moves.add("unit " + after.name() + ", " + m.who() + ": " + m.from() + " -> " + m.to());
                }
            }
        }
        out.println(moves.isEmpty() ? "users who move: none" : "users who move:");
        moves.forEach(line -> out.println("  " + line));
        MigrationControl control = control();
        List<ConfigProblem> held = control.check(before, proposed.withForce(false));
        if (!held.isEmpty() && !force) {
            out.println("REFUSED: " + Main.count(held.size(), "problem") + "; nothing was published:");
            held.forEach(p -> out.println("  " + p));
            return Main.FOUND;
        }
        held.forEach(p -> out.println("  FORCED past: " + p));
        long base = live.inTable() ? live.version() : 0;
        if (dryRun) {
            out.println("DRY RUN: would publish v" + (base + 1) + " over v" + base + " to " + where());
            return 0;
        }
        String text = proposed.toYaml();
        long version;
        try (JdbcConfigSource source = JdbcConfigSource.builder(ctx.oldPool(), control).table(ctx.common.configTable)
                .name(ctx.common.configName).pollInterval(Duration.ofHours(1)).build()) {
            version = source.publish(text, MigrationConfig.Format.YAML, who, base);
        } catch (InvalidConfigException e) {
            out.println("REFUSED: " + Main.count(e.problems().size(), "problem") + "; nothing was published:");
            e.problems().forEach(p -> out.println("  " + p));
            return Main.FOUND;
        } catch (IllegalStateException e) {
            throw CliException.error(e.getMessage(), e);
        }
        out.println("PUBLISHED v" + version + " to " + where() + " by " + who + (force ? " (forced)" : "")
                + "; applications reading that row take it within their poll interval (default 5 s)");
        return 0;
    }

    private String where() {
        return ctx.common.configTable + " row '" + ctx.common.configName + "'";
    }

    /** The document as the applications share it: without the tools' database settings. */
    static MigrationConfig strip(MigrationConfig config) {
        return config.withDatasources(null);
    }

    /** One line per changed setting. */
    static List<String> diff(MigrationConfig before, MigrationConfig after) {
        Map<String, String> a = before.toProperties();
        Map<String, String> b = after.toProperties();
        TreeSet<String> keys = new TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        List<String> lines = new ArrayList<>();
        for (String key : keys) {
            String x = a.get(key);
            String y = b.get(key);
            if (!Objects.equals(x, y)) {
                lines.add(key + ": " + (x == null ? "(unset)" : x) + " -> " + (y == null ? "(unset)" : y));
            }
        }
        return lines;
    }
}
