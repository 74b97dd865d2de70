package io.github.dualwrite.config;

import java.util.Objects;

/**
 * One thing wrong with a configuration document.
 *
 * @param path    where, in document terms ({@code units.points.gray.ratio}); empty for the whole document
 * @param message what is wrong and what is allowed ({@code 10001 is out of range 0..10000})
 */
public record ConfigProblem(String path, String message) {

    /** Validates that both parts are present. */
    public ConfigProblem {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    /** {@code path: message}. */
    @Override
    public String toString() {
        return path.isEmpty() ? message : path + ": " + message;
    }
}
