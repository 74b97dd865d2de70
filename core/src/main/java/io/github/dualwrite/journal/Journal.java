package io.github.dualwrite.journal;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Where secondary writes that did not verifiably apply are kept until repaired: nothing is lost silently.
 * Each entry names the side that is behind; repair copies the rows to it from the other side.
 */
public interface Journal extends AutoCloseable {

    /**
     * Makes the entries durable before returning. Implementations never throw: an entry that cannot be
     * stored anywhere is logged in full at ERROR and counted in {@link #lostCount()}.
     */
    void record(List<JournalEntry> entries);

    /** Entries not yet repaired (PENDING). */
    long pendingCount();

    /** Up to {@code limit} entries with an id above {@code afterId}, oldest first, any status. */
    List<JournalEntry> read(long afterId, int limit);

    /** Entries that could not be stored anywhere since start. */
    long lostCount();

    /**
     * Leases up to {@code limit} pending entries that are due ({@code next_attempt_at <= now}) and not
     * leased by anyone else, oldest first, for {@code lease}. Safe with several repairers: an entry is leased
     * to one at a time, and a repairer that dies loses its lease when it runs out.
     *
     * @throws UnsupportedOperationException when this journal cannot be repaired from (a bare file journal)
     */
    List<JournalEntry> claim(String owner, int limit, Instant now, Duration lease);

    /** Marks leased entries repaired; returns how many {@code owner} still held. */
    int complete(Collection<JournalEntry> entries, String owner);

    /**
     * Records a failed repair attempt: the entry stays pending until {@code nextAttemptAt}, or becomes DEAD
     * when {@code dead}. Returns false when {@code owner} no longer holds its lease.
     */
    boolean fail(long id, String owner, int attempts, Instant nextAttemptAt, boolean dead, String error);

    /**
     * Parks a leased entry as CONFLICT with both sides' rows in {@code detail}: a person decides. Returns false
     * when {@code owner} no longer holds its lease.
     */
    boolean conflict(long id, String owner, String reason, String detail);

    /**
     * A person's decision about one user's rows in one table: every unresolved entry of them is closed (DONE),
     * and one new pending entry says that {@code behind} is behind, so that the repairer copies the other side
     * over it without conflict checks.
     *
     * @return the number of entries closed
     */
    int resolve(String unit, String table, String routingKey, io.github.dualwrite.config.Side behind, String who,
                Instant now);

    /** Puts DEAD entries back to PENDING, due now (after their cause was fixed); returns how many. */
    int retryDead(Instant now);

    /** Counts by status (PENDING, DONE, DEAD, CONFLICT). */
    Map<JournalEntry.Status, Long> countByStatus();

    /** Pending entries by side, dead and conflicting ones, and the oldest unresolved. */
    JournalStats stats();

    /** Every unresolved entry, grouped by unit, table, routing key, side behind and status. */
    List<UnresolvedGroup> unresolved();

    /**
     * The unresolved entries of some users of a unit that say {@code behind} is behind, or that are in conflict,
     * grouped like {@link #unresolved()}: what a repair in the other direction, or a copy from {@code behind},
     * must not overlook.
     */
    List<UnresolvedGroup> unresolved(String unit, Collection<String> routingKeys, io.github.dualwrite.config.Side behind);

    /** Adds a listener told about entries recorded and resolved through this journal object. */
    void addListener(JournalListener listener);

    /** Releases resources; entries already recorded stay. */
    @Override
    void close();
}
