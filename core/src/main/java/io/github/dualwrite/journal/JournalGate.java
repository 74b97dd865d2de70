package io.github.dualwrite.journal;

import io.github.dualwrite.config.ConfigProblem;
import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.config.RoutingKey;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.config.UnitConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Holds back a change that makes a side read or trusted for users whose rows the journal says are behind on
 * that side: raising or lowering a gray share across READ_NEW or NEW_PRIMARY, or moving the base stage, while
 * entries are pending, dead or in conflict. The reason names the counts, the oldest age and the fix. Every
 * instance of an application shares the journal table, so the gate holds across instances.
 *
 * <p>The journal is read only when a change does move some users onto a side; a journal that cannot be
 * read holds the change back (with {@code force: true} it goes through anyway).
 */
public final class JournalGate implements MigrationControl.Gate {

    private final Journal journal;
    private final Clock clock;

    /** A gate over {@code journal}, ages measured with {@code clock}. */
    public JournalGate(Journal journal, Clock clock) {
        this.journal = Objects.requireNonNull(journal, "journal");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public List<ConfigProblem> check(MigrationConfig current, MigrationConfig next) {
        Map<String, List<MigrationControl.UserMove>> relying = new java.util.LinkedHashMap<>();
        for (UnitConfig after : next.units().values()) {
            UnitConfig before = current.units().get(after.name());
            List<MigrationControl.UserMove> moves = new ArrayList<>();
            for (MigrationControl.UserMove m : MigrationControl.UserMove.between(before, after)) {
                if (!m.newlyRelied().isEmpty()) {
                    moves.add(m);
                }
            }
            if (!moves.isEmpty()) {
                relying.put(after.name(), moves);
            }
        }
        if (relying.isEmpty()) {
            return List.of();
        }
        List<Journal.UnresolvedGroup> groups = journal.unresolved();
        List<ConfigProblem> problems = new ArrayList<>();
        relying.forEach((unit, moves) -> {
            Held held = held(current.units().get(unit), next.units().get(unit), moves, groups);
            if (held.entries > 0) {
                problems.add(new ConfigProblem("units." + unit, describe(moves) + " makes " + held.sides() + " read or"
                        + " trusted for users whose rows the journal says are behind there: " + held.counts()
                        + " (oldest " + age(held.oldest) + " ago); drain first: dualwrite repair --until-empty,"
                        + " resolve conflicts and dead entries (or set force: true)"));
            }
        });
        return problems;
    }

    /** The entries of a unit whose side behind the change would start to rely on. */
    private static Held held(UnitConfig before, UnitConfig after, List<MigrationControl.UserMove> moves, List<Journal.UnresolvedGroup> groups) {
        Set<Side> anyMove = new HashSet<>();
        moves.forEach(m -> anyMove.addAll(m.newlyRelied()));
        Held held = new Held();
        for (Journal.UnresolvedGroup g : groups) {
            if (!g.unit().equals(after.name())) {
                continue;
            }
            boolean affected;
            if (g.routingKey() == null) {
                affected = anyMove.contains(g.behind()); // no user to tell: any move onto that side counts
            } else {
                RoutingKey key;
                try {
                    key = RoutingKey.of(g.routingKey());
                } catch (IllegalArgumentException e) {
                    continue;
                }
                Stage from = before == null ? Stage.OLD_ONLY : before.stageOf(key);
                affected = MigrationControl.UserMove.newlyRelied(from, after.stageOf(key)).contains(g.behind());
            }
            if (affected) {
                held.add(g);
            }
        }
        return held;
    }

    private static String describe(List<MigrationControl.UserMove> moves) {
        Set<String> parts = new LinkedHashSet<>();
        for (MigrationControl.UserMove m : moves) {
            parts.add(m.from() + " -> " + m.to() + " (" + m.who() + ")");
        }
        return "moving " + String.join(", ", parts);
    }

    private String age(Instant oldest) {
        Duration d = Duration.between(oldest, clock.instant());
        if (d.isNegative()) {
            d = Duration.ZERO;
        }
        return d.toHours() > 0 ? d.toHours() + " h " + d.toMinutesPart() + " min"
                : d.toMinutes() > 0 ? d.toMinutes() + " min " + d.toSecondsPart() + " s" : d.toSeconds() + " s";
    }

    /** What the gate found for one unit. */
    private static final class Held {
        long entries;
        final Map<JournalEntry.Status, Long> byStatus = new EnumMap<>(JournalEntry.Status.class);
        final Set<String> users = new HashSet<>();
        final Set<Side> sides = java.util.EnumSet.noneOf(Side.class);
        Instant oldest;

        void add(Journal.UnresolvedGroup g) {
            entries += g.count();
            byStatus.merge(g.status(), g.count(), Long::sum);
            users.add(String.valueOf(g.routingKey()));
            sides.add(g.behind());
            oldest = oldest == null || g.oldest().isBefore(oldest) ? g.oldest() : oldest;
        }

        String sides() {
            return sides.size() == 2 ? "both sides" : "the " + sides.iterator().next() + " side";
        }

        String counts() {
            List<String> parts = new ArrayList<>();
            byStatus.forEach((status, n) -> parts.add(n + " " + status));
            return String.join(", ", parts) + " entries for " + users.size() + " user(s)";
        }
    }
}
