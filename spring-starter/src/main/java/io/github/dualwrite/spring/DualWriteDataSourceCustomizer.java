package io.github.dualwrite.spring;

import io.github.dualwrite.DualWriteDataSource;

/**
 * Adjusts the builder of the dual-write DataSource before the starter builds it: a sequence for
 * {@code id-source: SEQUENCE} tables, id generators, the dirty-key guard's size, a custom journal.
 * Every bean of this type is applied, in {@code @Order}.
 */
@FunctionalInterface
public interface DualWriteDataSourceCustomizer {

    /** Called once with the builder the starter has set up (old, new, control, journal settings). */
    void customize(DualWriteDataSource.Builder builder);
}
