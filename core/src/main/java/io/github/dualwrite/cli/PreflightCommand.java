package io.github.dualwrite.cli;

import io.github.dualwrite.sync.Preflight;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dualwrite preflight}: every check before DUAL_WRITE, one line each. */
@Command(name = "preflight", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Check tables, columns, primary keys, sharding rules and id sources on both sides before"
                + " DUAL_WRITE. One line per check (OK, WARN or FAIL with the fix), then PREFLIGHT passed|failed.",
            "Exit 0 when every check passed, 1 when one failed, 2 when a database cannot be reached."})
final class PreflightCommand implements Callable<Integer> {

    @Mixin
    Common common;
    @Mixin
    UnitOption unit;
    @Spec
    CommandSpec spec;

    @Option(names = "--id-margin", paramLabel = "IDS", defaultValue = "100000",
            description = "How many ids the old side may still hand out before the new side's sequence takes over.")
    long idMargin;

    @Override
    public Integer call() {
        try (ToolContext ctx = ToolContext.open(common)) {
            PrintWriter out = spec.commandLine().getOut();
            out.println(ctx.live().describe());
            if (unit.unit != null) {
                ctx.requireUnit(unit.unit);
            }
            Preflight.Report report = Preflight.builder(ctx.oldSide(), ctx.newSide(), ctx.config())
                    .shardingYaml(ctx.shardingYaml()).shards(ctx.shards()).idMargin(idMargin).build().run(unit.unit);
            report.checks().forEach(out::println);
            out.println("PREFLIGHT " + (report.passed() ? "passed"
                    : "failed: " + Main.count(report.failures().size(), "check")));
            return report.passed() ? 0 : Main.FOUND;
        }
    }
}
