/**
 * The migration document and its hot reload.
 *
 * <p>{@link io.github.dualwrite.config.MigrationConfig} is the immutable, validated document (YAML or flat
 * properties); {@link io.github.dualwrite.config.Stage} and {@link io.github.dualwrite.config.Transition}
 * hold the stages and the legal moves between them as data; {@link io.github.dualwrite.config.MigrationControl}
 * swaps documents all or nothing, fed programmatically, by {@link io.github.dualwrite.config.FileConfigSource}
 * or by {@link io.github.dualwrite.config.JdbcConfigSource}.
 */
package io.github.dualwrite.config;
