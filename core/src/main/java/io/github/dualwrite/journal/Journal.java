package io.github.dualwrite.journal;

import io.github.dualwrite.config.Side;
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
    Stats stats();

    /** Every unresolved entry, grouped by unit, table, routing key, side behind and status. */
    List<UnresolvedGroup> unresolved();

    /**
     * The unresolved entries of some users of a unit that say {@code behind} is behind, or that are in conflict,
     * grouped like {@link #unresolved()}: what a repair in the other direction, or a copy from {@code behind},
     * must not overlook.
     */
    List<UnresolvedGroup> unresolved(String unit, Collection<String> routingKeys, io.github.dualwrite.config.Side behind);

    /**
     * Stores an {@link JournalEntry.Reason#OUTAGE} entry where repairers claim from, within the same wait as
     * {@link #record}; false (nothing stored) when this journal cannot keep one now: its writer then journals
     * entry by entry.
     */
    default boolean openOutage(JournalEntry outage) {
        return false;
    }

    /**
     * Moves an open outage entry's due time to {@code until} (its owner is alive); false when it is no longer
     * pending and free (a repairer took it) or cannot be reached.
     */
    default boolean renewOutage(JournalEntry outage, Instant until) {
        return false;
    }

    /**
     * Closes an outage entry (DONE) once every write it stood for has its own entry; false when a repairer
     * holds it (it then verifies the unit) or the journal cannot be reached.
     */
    default boolean closeOutage(JournalEntry outage) {
        return false;
    }

    /** Adds a listener told about entries recorded and resolved through this journal object. */
    void addListener(Listener listener);

    /**
     * Deletes DONE entries written before {@code writtenBefore} (retention: {@link JournalPolicy#retention()}).
     * Unresolved entries are never deleted. A journal that keeps no DONE entries deletes nothing.
     *
     * @return how many entries were deleted
     */
    default long purgeDone(Instant writtenBefore) {
        return 0;
    }

    /** Releases resources; entries already recorded stay. */
    @Override
    void close();

    /**
     * Told when entries are stored and when they are resolved (repaired), in the process that did it; the
     * read-your-writes guard follows the journal this way. Called on the thread that recorded or resolved;
     * a listener must be quick and must not throw (what it throws is logged and ignored).
     */
    public interface Listener {

        /** Entries were made durable. */
        default void recorded(List<JournalEntry> entries) {
        }

        /**
         * Entries are being marked repaired (DONE). Told just before the change is stored, so that a listener
         * re-reading the journal meanwhile can only count them once too often, never once too few; when storing
         * fails, {@link #recorded} is told again for them.
         */
        default void resolved(List<JournalEntry> entries) {
        }

        /** Entries changed in a way not told entry by entry (a person's decision, a lost lease): re-read the journal. */
        default void changed() {
        }
    }

    /**
     * How much of the journal still needs work, for {@code status}, metrics and health checks.
     *
     * @param pendingBySide pending entries by the side that is behind
     * @param dead          entries given up on
     * @param conflicts     entries waiting for a person to decide
     * @param done          entries repaired (kept until purged)
     * @param oldestUnresolved when the oldest pending, dead or conflicting entry was written; null when none
     */
    public record Stats(Map<Side, Long> pendingBySide, long dead, long conflicts, long done, Instant oldestUnresolved) {

        /** Copies the map. */
        public Stats {
            pendingBySide = Map.copyOf(pendingBySide);
        }

        /** Pending entries on both sides. */
        public long pending() {
            return pendingBySide.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Pending, dead and conflicting entries. */
        public long unresolved() {
            return pending() + dead + conflicts;
        }

        /** Every entry the journal holds, DONE ones included: the size retention keeps bounded. */
        public long size() {
            return unresolved() + done;
        }

        /** Age of the oldest unresolved entry at {@code now}, zero when there is none. */
        public Duration oldestAge(Instant now) {
            return oldestUnresolved == null ? Duration.ZERO : Duration.between(oldestUnresolved, now);
        }
    }

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
}
