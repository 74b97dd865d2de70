package io.github.dualwrite.journal;

import java.util.List;

/**
 * Where secondary writes that did not verifiably apply are kept until repaired (guarantee G2: nothing is
 * lost silently).
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
     * leased by anyone else, for {@code lease}. Safe with several repairers: an entry is leased to one at a
     * time, and a repairer that dies loses its lease when it runs out.
     *
     * @throws UnsupportedOperationException when this journal cannot be repaired from (a bare file journal)
     */
    List<JournalEntry> claim(String owner, int limit, java.time.Instant now, java.time.Duration lease);

    /** Marks a leased entry repaired. Returns false when {@code owner} no longer holds its lease. */
    boolean complete(long id, String owner);

    /**
     * Records a failed repair attempt: the entry stays pending until {@code nextAttemptAt}, or becomes DEAD
     * when {@code dead}. Returns false when {@code owner} no longer holds its lease.
     */
    boolean fail(long id, String owner, int attempts, java.time.Instant nextAttemptAt, boolean dead, String error);

    /** Counts by status (PENDING, DONE, DEAD). */
    java.util.Map<JournalEntry.Status, Long> countByStatus();

    /** Releases resources; entries already recorded stay. */
    @Override
    void close();
}
