package io.github.dualwrite.sync;

import java.util.List;

/**
 * One row that differs between the sides.
 *
 * @param table      the table
 * @param kind       how it differs
 * @param primaryKey the row's key
 * @param routingKey its user, when known
 * @param columns    the columns that differ (for DIFFERENT), old names
 */
public record Difference(String table, Kind kind, String primaryKey, String routingKey, List<String> columns) {

    /** How a row differs. */
    public enum Kind {
        /** On the old side only. */
        MISSING_IN_NEW,
        /** On the new side only. */
        EXTRA_IN_NEW,
        /** On both, with different values. */
        DIFFERENT,
        /** Twice or more on the new side: a copy in a shard the router would not pick. */
        DUPLICATE_IN_NEW
    }

    /** Copies the list. */
    public Difference {
        columns = List.copyOf(columns);
    }

    @Override
    public String toString() {
        return table + " " + kind + " pk=" + primaryKey + (routingKey == null ? "" : " key=" + routingKey)
                + (columns.isEmpty() ? "" : " columns=" + columns);
    }
}
