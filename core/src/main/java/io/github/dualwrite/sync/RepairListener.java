package io.github.dualwrite.sync;

import io.github.dualwrite.journal.JournalEntry;

/**
 * Told what the repairer does with each entry (for metrics and logs). Exceptions thrown here are logged and
 * change nothing.
 */
public interface RepairListener {

    /** An entry was leased to this repairer. */
    default void claimed(JournalEntry entry) {
    }

    /** An entry was repaired (the other side now equals the authority for its rows). */
    default void repaired(JournalEntry entry, SyncResult result) {
    }

    /** A repair attempt failed; the entry is retried later. */
    default void failed(JournalEntry entry, Exception error) {
    }

    /** An entry was given up on (DEAD) with the reason kept. */
    default void dead(JournalEntry entry, String reason) {
    }

    /** An entry was parked as CONFLICT: repairing it would overwrite newer data; a person decides. */
    default void conflict(JournalEntry entry, String reason) {
    }
}
