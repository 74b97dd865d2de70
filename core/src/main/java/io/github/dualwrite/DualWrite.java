package io.github.dualwrite;

import io.github.dualwrite.config.RoutingKey;
import java.util.Optional;

/**
 * Application-facing entry point for routing by user:
 *
 * <pre>{@code
 * try (RoutingScope scope = DualWrite.routeBy(userId)) {
 *     accountDao.addPoints(userId, 10);   // every statement routed as userId
 * }
 * }</pre>
 *
 * <p>An explicit scope beats every other source of the routing key (the MyBatis plugin's hint, the value
 * bound to the routing column in the SQL).
 */
public final class DualWrite {

    private DualWrite() {
    }

    /**
     * Routes the current thread's statements by {@code key} until the returned scope is closed.
     *
     * @param key the user's id: a whole number or text (see {@link RoutingKey#of(Object)})
     * @throws IllegalArgumentException if the key is null, blank or not whole
     */
    public static RoutingScope routeBy(Object key) {
        return RoutingScope.open(key);
    }

    /** The key of the innermost open scope on this thread, if any. */
    public static Optional<RoutingKey> currentRoutingKey() {
        return RoutingScope.currentKey();
    }
}
