package io.github.dualwrite;

import io.github.dualwrite.config.Side;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** The rows of one prepared-statement batch, run by side as one JDBC batch each. */
interface BatchInvocation {

    /** Parameter values of every row, by 0-based index. */
    List<Object[]> values();

    /** Why row {@code row}'s parameters cannot be bound on the other side, or null. */
    String notRepeatable(int row);

    /** The statement the rows run on {@code side}: the new side's own SQL when the rows brought one. */
    SqlShape shapeOn(Side side);

    /**
     * Runs some rows on {@code side} as one batch: each row as written, or through {@code rewrite} (null for
     * none) with its ids ({@code ids.get(row)}) and call values ({@code calls.get(row)}).
     */
    BatchRun run(Side side, List<Integer> rows, Rewrite rewrite, List<List<Object>> ids, List<Object[]> calls,
                 Invocation.Keys keys, boolean secondary) throws SQLException;

    /** The rows {@code rows} on {@code side} detached from the statement, as {@link #run} would bind them (ASYNC). */
    SecondaryWork.Replay replay(Side side, List<Integer> rows, Rewrite rewrite, List<List<Object>> ids,
                                List<Object[]> calls);

    /** The generated keys of the last batch on {@code side}. */
    ResultSet generatedKeys(Side side) throws SQLException;
}
