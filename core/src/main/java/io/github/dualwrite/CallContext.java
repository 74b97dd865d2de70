package io.github.dualwrite;

import io.github.dualwrite.config.RoutingKey;

/**
 * What the calling thread says about one execution: the routing key of its scope or hint, and the
 * statement's control. Captured when the execution is requested ({@code addBatch} captures each row), so
 * a batch flushed after the scope closed is still routed as the rows were added.
 *
 * @param key      the scope's or hint's key, null for none
 * @param explicit whether the key comes from an explicit scope (else a hint)
 * @param control  the hint's control for this SQL
 */
record CallContext(RoutingKey key, boolean explicit, StatementControl control) {

    static final CallContext NONE = new CallContext(null, false, StatementControl.DEFAULT);

    /** The current thread's context for a statement with text {@code sql}. */
    static CallContext capture(String sql) {
        RoutingKey key = DualWrite.contextKey();
        StatementHint hint = DualWrite.hintFor(sql);
        StatementControl control = hint == null ? StatementControl.DEFAULT : hint.control();
        if (key == null && control == StatementControl.DEFAULT) {
            return NONE;
        }
        return new CallContext(key, key != null && DualWrite.contextKeyIsExplicit(), control);
    }

    /** Where the key came from, for explain and logs. */
    StatementRoute.KeySource source() {
        return explicit ? StatementRoute.KeySource.SCOPE : StatementRoute.KeySource.HINT;
    }
}
