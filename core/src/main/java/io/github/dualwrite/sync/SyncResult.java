package io.github.dualwrite.sync;

import io.github.dualwrite.config.Side;

/**
 * What one {@link RowSync#sync} changed.
 *
 * @param unit      the migration unit
 * @param table     the table
 * @param key       the routing key synced
 * @param authority the side read from (trusted)
 * @param target    the side written
 * @param inserted  rows the target was missing
 * @param updated   rows that differed
 * @param deleted   rows the authority does not have
 */
public record SyncResult(String unit, String table, String key, Side authority, Side target, int inserted, int updated,
                         int deleted) {

    /** Whether the target had to change. */
    public boolean changed() {
        return inserted + updated + deleted > 0;
    }

    /** Adds two results' counts (same unit and table). */
    SyncResult plus(SyncResult other) {
        return new SyncResult(unit, table, key + "," + other.key, authority, target, inserted + other.inserted,
                updated + other.updated, deleted + other.deleted);
    }
}
