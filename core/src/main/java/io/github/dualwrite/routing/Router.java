package io.github.dualwrite.routing;

import io.github.dualwrite.config.ConfigSnapshot;
import io.github.dualwrite.config.MigrationControl;
import java.util.Objects;

/**
 * Decides, per unit and routing key, where statements go under the document in force.
 *
 * <p>A user is gray when whitelisted, or not blacklisted and {@code bucket(key) < gray.ratio}; gray users
 * are in the unit's gray stage, the others in its base stage. Buckets are sticky: see
 * {@link io.github.dualwrite.config.RoutingKey}. Thread-safe and allocation-free for integral keys.
 */
public final class Router {

    private final MigrationControl control;
    private volatile RoutingTable table;

    /** A router that follows every document {@code control} accepts. */
    public Router(MigrationControl control) {
        this.control = Objects.requireNonNull(control, "control");
        this.table = RoutingTable.of(control.current());
    }

    /** The routes of the document in force; pin it to keep routing consistently across statements. */
    public RoutingTable table() {
        RoutingTable t = table;
        ConfigSnapshot s = control.current();
        if (t.snapshot() != s) {
            t = RoutingTable.of(s);
            table = t;
        }
        return t;
    }

    /** Routes an integral key under the document in force. */
    public Route route(String unit, long key) {
        return table().route(unit, key);
    }

    /** Routes any key under the document in force. */
    public Route route(String unit, Object key) {
        return table().route(unit, key);
    }

    /** The decision for {@code key} under the document in force, with its reasons. */
    public Explain explain(String unit, Object key) {
        return table().explain(unit, key);
    }
}
