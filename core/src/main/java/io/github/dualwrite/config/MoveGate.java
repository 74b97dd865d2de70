package io.github.dualwrite.config;

import java.util.List;

/**
 * A check {@link MigrationControl#apply} runs on every change of an accepted document, after the legal-move
 * rules: the problems it returns hold the change back like an illegal move, and {@code force: true} lets it
 * through (logged at WARN and kept in the audit line). The journal gate is one: a move that makes a side
 * read or trusted for some users is held back while the journal says that side is behind for them.
 *
 * <p>Gates run while the change is being applied, so they should answer quickly; a gate that throws holds
 * the change back with the exception as the reason.
 */
@FunctionalInterface
public interface MoveGate {

    /** Why {@code next} must not replace {@code current} now; empty when it may. */
    List<ConfigProblem> check(MigrationConfig current, MigrationConfig next);
}
