/**
 * Gray routing: which side a user's statements are written to first, then, and read from.
 *
 * <p>{@link io.github.dualwrite.routing.Router} follows the document in force;
 * {@link io.github.dualwrite.routing.RoutingTable} is one document's routes, pinned by a transaction;
 * {@link io.github.dualwrite.routing.Router.Explain} says why a user got its route.
 */
package io.github.dualwrite.routing;
