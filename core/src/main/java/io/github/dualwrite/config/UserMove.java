package io.github.dualwrite.config;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A group of users of one unit that two documents put in different stages: a bucket range, or one listed
 * user. {@link #between} lists every group a change moves, so that each move can be checked.
 *
 * @param who  the users, in words ({@code users in buckets 100..499}, {@code user 42})
 * @param from the stage they are in before
 * @param to   the stage they are in after
 */
public record UserMove(String who, Stage from, Stage to) {

    /** Whether the users move at all. */
    public boolean moves() {
        return from != to;
    }

    /**
     * The sides these users start to rely on: a side that becomes the authority, or the side reads come from,
     * without having been so before.
     */
    public Set<Side> newlyRelied() {
        return newlyRelied(from, to);
    }

    /**
     * The sides a user moving from {@code from} to {@code to} starts to read from or trust, or to trust alone
     * (a move that stops writing the other side: what it still lacks can no longer be told from a later write).
     */
    public static Set<Side> newlyRelied(Stage from, Stage to) {
        Set<Side> out = EnumSet.noneOf(Side.class);
        if (to.authority() != from.authority() || from.writesBoth() && !to.writesBoth()) {
            out.add(to.authority());
        }
        if (to.readSide() != from.readSide()) {
            out.add(to.readSide());
        }
        return out;
    }

    /**
     * Every group of users of a unit that the two versions treat differently or alike (bucket ranges below,
     * between and above the two ratios, and every listed user); {@code before} may be null for a new unit.
     */
    public static List<UserMove> between(UnitConfig before, UnitConfig after) {
        int ra = before == null ? 0 : before.gray().ratio();
        int rb = after.gray().ratio();
        int lo = Math.min(ra, rb);
        int hi = Math.max(ra, rb);
        List<UserMove> out = new ArrayList<>();
        if (lo > 0) {
            out.add(move(before, after, buckets(0, lo), true, true));
        }
        if (ra > rb) {
            out.add(move(before, after, buckets(rb, ra), true, false));
        } else if (rb > ra) {
            out.add(move(before, after, buckets(ra, rb), false, true));
        }
        if (hi < RoutingKey.BUCKETS) {
            out.add(move(before, after, buckets(hi, RoutingKey.BUCKETS), false, false));
        }
        Set<RoutingKey> listed = new LinkedHashSet<>();
        if (before != null) {
            listed.addAll(before.gray().whitelist());
            listed.addAll(before.gray().blacklist());
        }
        listed.addAll(after.gray().whitelist());
        listed.addAll(after.gray().blacklist());
        for (RoutingKey key : listed) {
            out.add(move(before, after, "user " + key, before != null && before.gray().includes(key),
                    after.gray().includes(key)));
        }
        return out;
    }

    private static UserMove move(UnitConfig before, UnitConfig after, String who, boolean grayBefore, boolean grayAfter) {
        Stage from = before == null ? Stage.OLD_ONLY : before.stageOf(grayBefore);
        return new UserMove(who, from, after.stageOf(grayAfter));
    }

    private static String buckets(int from, int toExclusive) {
        return from == toExclusive - 1 ? "users in bucket " + from
                : "users in buckets " + from + ".." + (toExclusive - 1);
    }
}
