package io.github.dualwrite;

import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.routing.RoutingTable;
import java.util.HashMap;
import java.util.Map;

/**
 * What a transaction has decided so far (guarantee G6): the document it routes by, pinned at its first
 * statement, and per unit the route of the first statement that touched the unit. Later statements follow
 * these decisions even if the stage switch moves meanwhile.
 */
final class TxPins {

    /**
     * One unit's route within the transaction.
     *
     * @param stageAuthority the authority of the stage itself; differs from {@code authority} when the journal
     *                       holds the users on the side that is not behind
     */
    record Pinned(Stage stage, Side authority, Side secondary, Side readSide, Side stageAuthority) {

        Pinned(Stage stage, Side authority, Side secondary, Side readSide) {
            this(stage, authority, secondary, readSide, authority);
        }
    }

    private final RoutingTable table;
    private final Map<String, Pinned> units = new HashMap<>(4);
    /** The users each unit's statements named so far. */
    private final Map<String, java.util.Set<io.github.dualwrite.config.RoutingKey>> users = new HashMap<>(4);
    private Side authority;

    TxPins(RoutingTable table) {
        this.table = table;
    }

    RoutingTable table() {
        return table;
    }

    Pinned unit(String name) {
        return units.get(name);
    }

    void pin(String name, Pinned route) {
        units.putIfAbsent(name, route);
    }

    /** Whether every one of {@code keys} was named by an earlier statement of the unit. */
    boolean met(String unit, java.util.List<io.github.dualwrite.config.RoutingKey> keys) {
        java.util.Set<io.github.dualwrite.config.RoutingKey> seen = users.get(unit);
        return seen != null && seen.containsAll(keys);
    }

    void meet(String unit, java.util.List<io.github.dualwrite.config.RoutingKey> keys) {
        users.computeIfAbsent(unit, u -> new java.util.HashSet<>(4)).addAll(keys);
    }

    /** The side the transaction's writes are authoritative on, null before its first write. */
    Side authority() {
        return authority;
    }

    void pinAuthority(Side side) {
        if (authority == null) {
            authority = side;
        }
    }
}
