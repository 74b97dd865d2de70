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

    /**
     * For integrations (the MyBatis plugin): routes the current thread's statements by {@code key} until
     * the returned scope is closed, unless application code opened an explicit {@link #routeBy} scope,
     * which wins. Hints nest and clear like scopes.
     *
     * @throws IllegalArgumentException if the key is null, blank or not whole
     */
    public static RoutingScope hint(Object key) {
        return RoutingScope.openHint(StatementHint.key(key));
    }

    /**
     * For integrations: opens a {@link StatementHint} (routing key, per-statement control, the new side's SQL)
     * until the returned scope is closed. An explicit {@link #routeBy} scope still wins for the key.
     */
    public static RoutingScope hint(StatementHint hint) {
        return RoutingScope.openHint(java.util.Objects.requireNonNull(hint, "hint"));
    }

    /** The innermost open hint on this thread if it applies to a statement with text {@code sql}, else null. */
    static StatementHint hintFor(String sql) {
        StatementHint hint = RoutingScope.hint();
        return hint != null && hint.appliesTo(sql) ? hint : null;
    }

    /**
     * The key statements on this thread are routed by before looking at their SQL: the explicit scope's,
     * else the hint's, else null. Used by the engine; cheap (two thread-local reads).
     */
    static RoutingKey contextKey() {
        RoutingKey explicit = RoutingScope.explicitKey();
        return explicit != null ? explicit : RoutingScope.hintKey();
    }

    /** Whether {@link #contextKey()} comes from an explicit scope (true) or a hint (false). */
    static boolean contextKeyIsExplicit() {
        return RoutingScope.explicitKey() != null;
    }
}
