package io.github.dualwrite.journal;

import io.github.dualwrite.config.Side;
import java.time.Instant;

/**
 * Unresolved journal entries (pending, dead or in conflict) of one user's rows in one table, by the side
 * that is behind: what the stage-move gate and the read-your-writes guard need, without reading every entry.
 *
 * @param unit       the migration unit
 * @param table      the table
 * @param routingKey the user, null for entries that had no routing key
 * @param behind     the side that is behind
 * @param status     PENDING, DEAD or CONFLICT
 * @param count      how many entries
 * @param oldest     when the oldest of them was written
 */
public record UnresolvedGroup(String unit, String table, String routingKey, Side behind, JournalEntry.Status status,
                              long count, Instant oldest) {
}
