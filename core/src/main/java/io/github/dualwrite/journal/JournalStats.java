package io.github.dualwrite.journal;

import io.github.dualwrite.config.Side;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * How much of the journal still needs work, for {@code status}, metrics and health checks.
 *
 * @param pendingBySide pending entries by the side that is behind
 * @param dead          entries given up on
 * @param conflicts     entries waiting for a person to decide
 * @param done          entries repaired (kept until purged)
 * @param oldestUnresolved when the oldest pending, dead or conflicting entry was written; null when none
 */
public record JournalStats(Map<Side, Long> pendingBySide, long dead, long conflicts, long done, Instant oldestUnresolved) {

    /** Copies the map. */
    public JournalStats {
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

    /** Age of the oldest unresolved entry at {@code now}, zero when there is none. */
    public Duration oldestAge(Instant now) {
        return oldestUnresolved == null ? Duration.ZERO : Duration.between(oldestUnresolved, now);
    }
}
