/**
 * dualwrite: move live tables from an old database to a new sharded one without stopping the business.
 *
 * <p>Front doors: {@link io.github.dualwrite.DualWrite} (routing scope for application code),
 * {@link io.github.dualwrite.config.MigrationControl} (the stage switch and gray ratio, hot reloadable) and
 * {@link io.github.dualwrite.routing.Router} (where a user's statements go, and why).
 */
package io.github.dualwrite;
