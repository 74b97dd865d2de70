package io.github.dualwrite;

import io.github.dualwrite.config.Side;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The physical connections of one logical connection, as the secondary side's deadline sees them: calls to the
 * secondary run on workers ({@link SecondaryRunner}); when one passes its deadline or breaks its connection the
 * side is detached: its connection is aborted where the driver allows it and closed in the background once the
 * hung call returns, its generation moves on (statements then drop the side's statements), and a worker still
 * running for the old generation can neither use nor open the side's next connection.
 */
final class Sides {

    private static final Logger log = LoggerFactory.getLogger(Sides.class);
    /** On a secondary worker: the generation of the side its call belongs to. */
    private static final ThreadLocal<Integer> WORKER_GENERATION = new ThreadLocal<>();

    private final Engine engine;
    /** The connection's own array (index: side ordinal); changed under this object's lock by the methods here. */
    private final Connection[] physical;
    private final AtomicIntegerArray generation = new AtomicIntegerArray(2);

    Sides(Engine engine, Connection[] physical) {
        this.engine = engine;
        this.physical = physical;
    }

    /** The generation the calling worker belongs to, null on the application's thread. */
    static Integer owner() {
        return WORKER_GENERATION.get();
    }

    /** The side's open connection or null; refuses a worker of a detached generation. */
    synchronized Connection current(Integer owner, Side side) throws SQLException {
        checkOwner(owner, side);
        return physical[side.ordinal()];
    }

    /** Installs a connection just opened for the side; refuses a worker of a detached generation. */
    synchronized void install(Integer owner, Side side, Connection c) throws SQLException {
        checkOwner(owner, side);
        physical[side.ordinal()] = c;
    }

    private void checkOwner(Integer owner, Side side) throws SQLException {
        if (owner != null && owner != generation.get(side.ordinal())) {
            throw new SQLException("dualwrite: this secondary call was abandoned at its deadline", "08003");
        }
    }

    int generation(Side side) {
        return generation.get(side.ordinal());
    }

    /**
     * Runs secondary work on a worker within the secondary deadline (see {@link SecondaryRunner}); past it, or
     * when the connection breaks, the side is detached and the failure thrown for the caller to journal.
     */
    <T> T onSecondary(Side side, String what, SecondaryRunner.Call<T> call) throws SQLException {
        int owner = generation.get(side.ordinal());
        try {
            return engine.onSecondary(side, what, () -> {
                WORKER_GENERATION.set(owner);
                try {
                    return call.run();
                } finally {
                    WORKER_GENERATION.remove();
                }
            });
        } catch (SecondaryRunner.TimedOut t) {
            detach(side, t.stuck());
            throw t;
        } catch (SQLException | RuntimeException e) {
            if (SecondaryRunner.connectivity(e)) {
                detach(side, CompletableFuture.completedFuture(null));
            }
            throw e;
        }
    }

    /** {@link #onSecondary} for an action on the side's open connection, if any; never throws. */
    void onSecondaryQuietly(Side side, String what, HomeSideConnection.PhysicalAction action) {
        Connection c;
        synchronized (this) {
            c = physical[side.ordinal()];
        }
        if (c == null) {
            return;
        }
        try {
            onSecondary(side, what, () -> {
                action.apply(c);
                return null;
            });
        } catch (SQLException | RuntimeException e) {
            log.debug("dualwrite: {} on {} failed", what, side, e);
        }
    }

    /** Forgets the side's connection: aborted now where possible, closed once {@code stuck} completes. */
    void detach(Side side, CompletableFuture<?> stuck) {
        Connection c;
        synchronized (this) {
            c = physical[side.ordinal()];
            physical[side.ordinal()] = null;
            generation.incrementAndGet(side.ordinal());
        }
        if (c == null) {
            return;
        }
        engine.abortLater(c, stuck); // frees a hung socket read (HikariCP, plain drivers; ShardingSphere cannot)
    }
}
