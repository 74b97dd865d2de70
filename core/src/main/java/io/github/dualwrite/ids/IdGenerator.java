package io.github.dualwrite.ids;

import java.sql.SQLException;

/**
 * Makes ids for a table whose configuration says {@code id-source: GENERATOR} (or SEQUENCE, through
 * {@link SegmentSequence}). The engine asks for one id per row of an INSERT that omits its primary key and
 * writes it into the INSERT on both sides; the application reads it back as a generated key.
 *
 * <p>Implementations must be thread-safe and never hand out an id twice for the same table, across restarts
 * and application instances.
 */
@FunctionalInterface
public interface IdGenerator {

    /**
     * The next id for {@code table} (the logical table name, lower case): a {@code Long}, or any value the
     * driver can bind to the primary-key column.
     *
     * @throws SQLException when no id can be made now (the call then fails before anything is written)
     */
    Object nextId(String table) throws SQLException;
}
