package io.github.dualwrite;

import io.github.dualwrite.config.RoutingKey;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing key for the statements run by the current thread until {@link #close()}. Opened by
 * {@link DualWrite#routeBy(Object)}; use it in try-with-resources. Scopes nest (the innermost wins), are
 * never inherited by other threads, and leave nothing on the thread once the outermost one is closed, so
 * pooled threads cannot leak a key into the next task.
 */
public final class RoutingScope implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RoutingScope.class);
    /** Scopes opened by application code ({@link DualWrite#routeBy}): they win over hints. */
    private static final ThreadLocal<RoutingScope> EXPLICIT = new ThreadLocal<>();
    /** Scopes opened by integrations such as the MyBatis plugin ({@link DualWrite#hint}). */
    private static final ThreadLocal<RoutingScope> HINT = new ThreadLocal<>();

    private final ThreadLocal<RoutingScope> slot;
    private final RoutingKey key;
    private final StatementHint hint;
    private final RoutingScope outer;
    private final Thread owner;
    private boolean closed;

    private RoutingScope(ThreadLocal<RoutingScope> slot, RoutingKey key, StatementHint hint, RoutingScope outer) {
        this.slot = slot;
        this.key = key;
        this.hint = hint;
        this.outer = outer;
        this.owner = Thread.currentThread();
    }

    static RoutingScope open(Object key) {
        RoutingScope scope = new RoutingScope(EXPLICIT, RoutingKey.of(key), null, EXPLICIT.get());
        EXPLICIT.set(scope);
        return scope;
    }

    static RoutingScope openHint(StatementHint hint) {
        RoutingScope scope = new RoutingScope(HINT, hint.routingKey(), hint, HINT.get());
        HINT.set(scope);
        return scope;
    }

    /** The key of the innermost open explicit scope of the current thread, or null. */
    static RoutingKey explicitKey() {
        RoutingScope scope = EXPLICIT.get();
        return scope == null ? null : scope.key;
    }

    /** The key of the innermost open hint of the current thread, or null (also when that hint has none). */
    static RoutingKey hintKey() {
        RoutingScope scope = HINT.get();
        return scope == null ? null : scope.key;
    }

    /** The innermost open hint of the current thread, or null. */
    static StatementHint hint() {
        RoutingScope scope = HINT.get();
        return scope == null ? null : scope.hint;
    }

    /** The key of the innermost open explicit scope of the current thread. */
    static Optional<RoutingKey> currentKey() {
        return Optional.ofNullable(explicitKey());
    }

    /** The key this scope routes by; null for a hint that carries none. */
    public RoutingKey key() {
        return key;
    }

    /**
     * Ends the scope. When it is the current scope, the innermost enclosing scope that is still open becomes
     * current again (or nothing); when a newer scope is current, that one stays. Closing twice does nothing.
     *
     * @throws IllegalStateException when called from another thread than the one that opened it
     */
    @Override
    public void close() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("routing scope for key " + key + " was opened on thread "
                    + owner.getName() + " and must be closed there, not on " + Thread.currentThread().getName());
        }
        if (closed) {
            return;
        }
        closed = true;
        if (slot.get() != this) {
            // an older scope closed before a newer one: the newer one stays current; when it closes, the
            // walk below skips this closed scope
            log.debug("routing scope for key {} closed while a newer scope is still current", key);
            return;
        }
        RoutingScope restore = outer;
        while (restore != null && restore.closed) {
            restore = restore.outer;
        }
        if (restore == null) {
            slot.remove();
        } else {
            slot.set(restore);
        }
    }
}
