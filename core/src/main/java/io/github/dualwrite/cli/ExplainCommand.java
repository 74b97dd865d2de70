package io.github.dualwrite.cli;

import io.github.dualwrite.DualWriteDataSource;
import io.github.dualwrite.routing.Router;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dualwrite explain}: where a user's statements go under the live document. */
@Command(name = "explain", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Where a user's statements go (--key) or a statement goes (--sql), under the live document.")
final class ExplainCommand implements Callable<Integer> {

    @Mixin
    Common common;
    @Mixin
    UnitOption unit;
    @Spec
    CommandSpec spec;
    @Option(names = "--key", paramLabel = "KEY", description = "A routing key (user id).")
    String key;
    @Option(names = "--sql", paramLabel = "SQL", description = "A statement.")
    String sql;
    @Option(names = "--param", paramLabel = "VALUE", description = "The statement's parameters, in order (repeat the option).")
    List<String> params = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (key == null && sql == null) {
            throw CliException.error("give --key <user id> or --sql <statement>");
        }
        try (ToolContext ctx = ToolContext.open(common)) {
            PrintWriter out = spec.commandLine().getOut();
            out.println(ctx.live().describe());
            if (key != null) {
                Router router = new Router(ctx.control());
                for (String u : unit.units(ctx)) {
                    out.println(router.explain(u, key));
                }
            }
            if (sql != null) {
                try (DualWriteDataSource ds = DualWriteDataSource.builder().oldDataSource(ctx.oldSide())
                        .newDataSource(ctx.newSide()).control(ctx.control()).journal(ctx.journal()).build()) {
                    Object[] values = params.stream().map(ExplainCommand::value).toArray();
                    out.println(ds.explain(sql, values));
                }
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
