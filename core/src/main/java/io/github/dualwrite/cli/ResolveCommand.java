package io.github.dualwrite.cli;

import io.github.dualwrite.config.Side;
import io.github.dualwrite.sync.Repairer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dualwrite resolve}: a person's decision on a user's rows in CONFLICT. */
@Command(name = "resolve", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "A person's decision on a user's rows in CONFLICT: which side holds the right rows. Closes the"
                + " user's entries of the table; the next repair copies that side over the other.")
final class ResolveCommand implements Callable<Integer> {

    @Mixin
    Common common;
    @Spec
    CommandSpec spec;
    @Option(names = "--unit", required = true, paramLabel = "UNIT", description = "The unit.")
    String unit;
    @Option(names = "--table", required = true, paramLabel = "TABLE", description = "The table.")
    String table;
    @Option(names = "--key", required = true, paramLabel = "KEY", description = "The user (routing key).")
    String key;
    @Option(names = "--trusted", required = true, paramLabel = "OLD|NEW", description = "The side whose rows are right.")
    Side trusted;
    @Option(names = "--by", required = true, paramLabel = "NAME", description = "Who decided (kept in the journal).")
    String by;

    @Override
    public Integer call() throws Exception {
        try (ToolContext ctx = ToolContext.open(common);
             Repairer repairer = Repairer.builder(ctx.journal(), ctx.rowSync()).owner("cli-" + ProcessHandle.current().pid())
                     .build()) {
            ctx.requireUnit(unit);
            int closed = repairer.resolve(unit, table, key, trusted, by);
            spec.commandLine().getOut().printf("RESOLVE unit=%s table=%s key=%s trusted=%s closed=%d; run dualwrite"
                    + " repair to copy %s over %s%n", unit, table, key, trusted, closed, trusted, trusted.other());
            return 0;
        }
    }
}
