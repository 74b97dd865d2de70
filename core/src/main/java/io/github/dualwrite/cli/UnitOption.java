package io.github.dualwrite.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --unit}: one unit, or all of them. */
final class UnitOption {

    @Option(names = "--unit", paramLabel = "UNIT", description = "One migration unit only. Default: every unit.")
    String unit;

    /** The units to work on, checked against the live document. */
    List<String> units(ToolContext ctx) {
        if (unit != null) {
            ctx.requireUnit(unit);
            return List.of(unit);
        }
        return new ArrayList<>(ctx.config().units().keySet());
    }
}
