package io.github.dualwrite.sync;

import io.github.dualwrite.config.Side;
import java.sql.SQLException;
import java.time.Duration;

/**
 * What the dual-write engine of this process knows about live writes, for repairs that run beside them
 * ({@link io.github.dualwrite.DualWriteDataSource#rowSync()} wires it in). A copy is only safe from the side
 * live writes of the user take first: their locks on that side then keep them and the copy apart.
 */
public interface LiveWrites {

    /**
     * The side the user's writes take first now: the authority of their stage, or the side that is not behind
     * while the journal says their rows are behind on the authority.
     */
    Side authority(String unit, String table, Object routingKey);

    /**
     * Waits until no write of the user runs with the other side first, then keeps new ones from starting until
     * the returned fence is closed: a copy from {@code first} does not race a write that committed on the other
     * side and not yet on {@code first}.
     *
     * @throws SQLException when such writes are still running after {@code timeout}
     */
    Fence enter(String unit, Object routingKey, Side first, Duration timeout) throws SQLException;

    /** Held while copying; closing lets the user's writes with the other side first start again. */
    interface Fence extends AutoCloseable {
        @Override
        void close();
    }
}
