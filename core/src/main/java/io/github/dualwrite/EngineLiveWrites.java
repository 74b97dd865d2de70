package io.github.dualwrite;

import io.github.dualwrite.config.RoutingKey;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.routing.Router;
import io.github.dualwrite.sync.RowSync;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The engine's view of live writes, for repairs in the same process: routes with holds, the key fence, and the
 * ASYNC lane of the user (its queued writes wait while the rows are copied, see {@link AsyncLanes#repairing}).
 */
final class EngineLiveWrites implements RowSync.LiveWrites {

    private final Engine engine;

    EngineLiveWrites(Engine engine) {
        this.engine = engine;
    }

    @Override
    public Side authority(String unit, String table, Object routingKey) {
        RoutingKey key = RoutingKey.of(routingKey);
        Router.Route route = engine.table().route(unit, key);
        TxPins.Pinned pinned = new TxPins.Pinned(route.stage(), route.authority(), route.secondary(), route.readSide());
        int behind = engine.dirtyKeys().behind(unit, key);
        return behind == 0 ? route.authority() : Planner.hold(pinned, behind).authority();
    }

    @Override
    public Fence enter(String unit, Object routingKey, Side first, Duration timeout) throws SQLException {
        boolean[] timedOut = new boolean[1];
        KeyFence.Ticket ticket = engine.fence().enter(unit, RoutingKey.of(routingKey), first, timeout.toNanos(), timedOut);
        if (timedOut[0]) {
            ticket.close();
            // not transient: a user whose writes never end (a connection leaked in a transaction) must reach DEAD
            throw new SQLException("dualwrite: writes of user " + routingKey + " in unit " + unit + " taking "
                    + first.other() + " first were still running after " + timeout + "; try again", "40001");
        }
        Fence lane;
        try {
            lane = engine.lanes().repairing(unit, RoutingKey.of(routingKey), timeout);
        } catch (SQLException busy) {
            ticket.close();
            throw busy;
        }
        return () -> {
            try {
                lane.close();
            } finally {
                ticket.close();
            }
        };
    }
}
