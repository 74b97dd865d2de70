package io.github.dualwrite.config;

import java.util.Optional;

/**
 * The legal moves between stages, as data: one step forward, or back where no data can be lost.
 * Any move not listed here needs {@code force: true} in the document.
 */
enum Transition {
    /** Start writing the new database too. */
    START_DUAL_WRITE(Stage.OLD_ONLY, Stage.DUAL_WRITE),
    /** Stop writing the new database; the old one never stopped being complete. */
    STOP_DUAL_WRITE(Stage.DUAL_WRITE, Stage.OLD_ONLY),
    /** Serve reads from the new database. */
    START_READ_NEW(Stage.DUAL_WRITE, Stage.READ_NEW),
    /** Serve reads from the old database again. */
    STOP_READ_NEW(Stage.READ_NEW, Stage.DUAL_WRITE),
    /** Make the new database authoritative; the old one is still written. */
    PROMOTE_NEW(Stage.READ_NEW, Stage.NEW_PRIMARY),
    /** Make the old database authoritative again, reads stay on the new one. */
    DEMOTE_TO_READ_NEW(Stage.NEW_PRIMARY, Stage.READ_NEW),
    /** Make the old database authoritative again and read from it. */
    DEMOTE_TO_DUAL_WRITE(Stage.NEW_PRIMARY, Stage.DUAL_WRITE),
    /** Stop writing the old database: the end of the migration. */
    FINISH(Stage.NEW_PRIMARY, Stage.NEW_ONLY);

    private final Stage from;
    private final Stage to;

    Transition(Stage from, Stage to) {
        this.from = from;
        this.to = to;
    }

    /** The stage this move starts from. */
    public Stage from() {
        return from;
    }

    /** The stage this move ends in. */
    public Stage to() {
        return to;
    }

    /** The legal move from {@code from} to {@code to}, empty when there is none (or they are equal). */
    public static Optional<Transition> between(Stage from, Stage to) {
        for (Transition t : values()) {
            if (t.from == from && t.to == to) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** Whether going from {@code from} to {@code to} is allowed without force (staying put is). */
    public static boolean isLegal(Stage from, Stage to) {
        return from == to || between(from, to).isPresent();
    }

    /**
     * Why a move is not allowed, as a sentence an operator can act on; empty when it is allowed.
     */
    public static Optional<String> whyIllegal(Stage from, Stage to) {
        if (isLegal(from, to)) {
            return Optional.empty();
        }
        String move = from + " -> " + to;
        if (from == Stage.NEW_ONLY) {
            return Optional.of(move + " leaves NEW_ONLY: the old database has not been written since, so it is"
                    + " missing data; run a reverse sync (new -> old) first, then apply with force: true");
        }
        if (to.ordinal() > from.ordinal()) {
            Stage next = Stage.values()[from.ordinal() + 1];
            return Optional.of(move + " skips " + next + ": move forward one stage at a time (" + from + " -> "
                    + next + ")");
        }
        Stage back = Stage.values()[from.ordinal() - 1];
        return Optional.of(move + " goes back more than one safe step: go back through " + back + " first ("
                + from + " -> " + back + ")");
    }
}
