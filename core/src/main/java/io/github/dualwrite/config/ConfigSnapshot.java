package io.github.dualwrite.config;

import java.time.Instant;

/**
 * An accepted document with its version. Version 0 is the empty document a control holds before it has
 * accepted any; every accepted change adds one.
 *
 * @param version    this process's version number of the document
 * @param config     the document
 * @param source     where it came from ({@code file:/etc/dualwrite.yaml}, {@code jdbc:dualwrite_config/points@v7})
 * @param acceptedAt when it was accepted
 */
public record ConfigSnapshot(long version, MigrationConfig config, String source, Instant acceptedAt) {
}
