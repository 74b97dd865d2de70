package io.github.dualwrite.config;

import java.nio.file.Path;
import java.util.Locale;

/** The two ways a migration document can be written; both read into the same {@link MigrationConfig}. */
public enum ConfigFormat {
    /** A YAML document, optionally wrapped in a top-level {@code dualwrite:} key. */
    YAML,
    /** Flat properties: {@code dualwrite.units.points.gray.ratio=100} (the {@code dualwrite.} prefix is optional). */
    PROPERTIES;

    /** {@code .properties} files are PROPERTIES, everything else ({@code .yaml}, {@code .yml}) YAML. */
    public static ConfigFormat of(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".properties") ? PROPERTIES : YAML;
    }
}
