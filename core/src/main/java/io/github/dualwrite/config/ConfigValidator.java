package io.github.dualwrite.config;

import java.util.List;

/**
 * An extra check a component that depends on the document adds to {@link MigrationControl#apply}: a
 * document it finds problems in is rejected like any invalid one, and the last good one stays.
 */
@FunctionalInterface
public interface ConfigValidator {

    /** The problems of {@code next} from this component's point of view; empty when it can run with it. */
    List<ConfigProblem> validate(MigrationConfig next);
}
