package io.github.dualwrite.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a new document against the accepted one: for every group of users that could be affected (bucket
 * ranges, listed users) the stage they move between must be a legal {@link Transition}.
 */
final class StageMoves {

    private StageMoves() {
    }

    /** One problem per unit and illegal move, naming the users it affects. */
    static List<ConfigProblem> illegal(MigrationConfig before, MigrationConfig after) {
        List<ConfigProblem> problems = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>(before.units().keySet());
        names.addAll(after.units().keySet());
        for (String name : names) {
            UnitConfig a = before.units().get(name);
            UnitConfig b = after.units().get(name);
            String path = "units." + name;
            if (b == null) {
                if (a.stage() != Stage.OLD_ONLY || a.hasGray()) {
                    problems.add(new ConfigProblem(path, "removing a unit in stage " + describe(a)
                            + " sends its tables back to the old database alone; move it to OLD_ONLY first"
                            + " (or set force: true)"));
                }
                continue;
            }
            if (a != null && (a.stage() != Stage.OLD_ONLY || a.hasGray())) {
                for (String table : a.tables().keySet()) {
                    if (!b.tables().containsKey(table)) {
                        problems.add(new ConfigProblem(path + ".tables", "removing table " + table + " from a unit in stage "
                                + describe(a) + " sends it back to the old database alone; move the unit to OLD_ONLY"
                                + " first (or set force: true)"));
                    }
                }
                if (!a.routingColumn().equalsIgnoreCase(b.routingColumn())) {
                    problems.add(new ConfigProblem(path + ".routing-column", "changing the routing column from "
                            + a.routingColumn() + " to " + b.routingColumn() + " in stage " + describe(a)
                            + " moves users between buckets mid-migration; move the unit to OLD_ONLY first (or set force: true)"));
                }
            }
            Map<String, List<String>> moves = new LinkedHashMap<>();
            for (MigrationControl.UserMove m : MigrationControl.UserMove.between(a, b)) {
                Transition.whyIllegal(m.from(), m.to()).ifPresent(why -> moves.computeIfAbsent(why, w -> new ArrayList<>()).add(m.who()));
            }
            moves.forEach((why, who) -> problems.add(new ConfigProblem(path,
                    why + " (affects " + String.join(", ", who) + ")"
                            + (why.contains("force: true") ? "" : "; set force: true to apply anyway"))));
        }
        return problems;
    }

    private static String describe(UnitConfig unit) {
        return unit.hasGray() ? unit.stage() + " (gray " + unit.gray().stage() + ")" : unit.stage().name();
    }
}
