package io.github.dualwrite.config;

import java.util.List;

/**
 * An accepted change, as told to {@link ConfigListener}s.
 *
 * @param previous the document that was in force
 * @param current  the document now in force
 * @param changes  one line per changed setting
 * @param forced   illegal stage moves let through by {@code force: true}
 */
public record ConfigChange(ConfigSnapshot previous, ConfigSnapshot current, List<String> changes, List<String> forced) {

    /** Copies the lists. */
    public ConfigChange {
        changes = List.copyOf(changes);
        forced = List.copyOf(forced);
    }
}
