package io.github.dualwrite;

import io.github.dualwrite.config.Side;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** One execution request, run by side: the SQL as written, or rewritten to carry ids and values. */
interface Invocation {

    /** Which generated keys a run asks for. */
    enum Keys {
        /** None. */
        NONE,
        /** What the application asked for when it created the statement. */
        CALLER,
        /** The ids dual write copies to the other side: RETURN_GENERATED_KEYS. */
        IDS
    }

    SqlShape shape();

    /** The statement that runs on {@code side}: the new side's own SQL when the execution brought one. */
    SqlShape shapeOn(Side side);

    /** The calling thread's routing key and control, captured when the execution was requested. */
    CallContext context();

    /** Parameter values by 0-based index (empty for plain statements). */
    Object[] values();

    /** Why the parameters cannot be bound on the other side, or null. */
    String notRepeatable();

    /** Runs the statement as written; secondaries get the secondary timeout. */
    long update(Side side, Keys keys, boolean secondary) throws SQLException;

    /** Runs {@code rewrite} (of {@link #shapeOn}) with the ids of its rows and the values of its calls. */
    long update(Side side, Rewrite rewrite, List<Object> ids, Object[] calls, Keys keys, boolean secondary)
            throws SQLException;

    /**
     * The secondary run on {@code side} detached from the statement (ASYNC): as written, or through
     * {@code rewrite} (null for none) with the ids of its rows and the values of its calls.
     */
    SecondaryWork.Replay replay(Side side, Rewrite rewrite, List<Object> ids, Object[] calls);

    /** Runs a query. */
    ResultSet query(Side side) throws SQLException;

    /** Runs it with {@code execute()}: true when the first result is a ResultSet. */
    boolean execute(Side side, Keys keys) throws SQLException;

    /** The generated keys of the last run on {@code side}. */
    ResultSet generatedKeys(Side side) throws SQLException;
}
