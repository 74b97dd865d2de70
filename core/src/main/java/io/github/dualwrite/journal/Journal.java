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

    /** Releases resources; entries already recorded stay. */
    @Override
    void close();
}
