package io.github.dualwrite.config;

import java.util.List;

/**
 * What {@link MigrationControl#apply} did with a document.
 *
 * @param outcome  accepted, unchanged (equal to the current document) or rejected
 * @param current  the document in force afterwards (the previous one when rejected or unchanged)
 * @param problems why it was rejected; empty otherwise
 * @param changes  what changed, one line per setting ({@code units.points.gray.ratio: 100 -> 500})
 * @param forced   the illegal stage moves that {@code force: true} let through
 */
public record ApplyResult(Outcome outcome, ConfigSnapshot current, List<ConfigProblem> problems, List<String> changes,
                          List<String> forced) {

    /** The three things that can happen to a document. */
    public enum Outcome {
        /** Swapped in as a new version. */
        ACCEPTED,
        /** Valid and equal to the current document: nothing to do. */
        UNCHANGED,
        /** Invalid or an illegal move: the current document stays. */
        REJECTED
    }

    /** Copies the lists. */
    public ApplyResult {
        problems = List.copyOf(problems);
        changes = List.copyOf(changes);
        forced = List.copyOf(forced);
    }

    /** Whether the document is now in force (accepted or unchanged). */
    public boolean isInForce() {
        return outcome != Outcome.REJECTED;
    }

    /** Returns this result, or throws {@link InvalidConfigException} with every problem if it was rejected. */
    public ApplyResult orThrow() {
        if (outcome == Outcome.REJECTED) {
            throw new InvalidConfigException(problems);
        }
        return this;
    }
}
