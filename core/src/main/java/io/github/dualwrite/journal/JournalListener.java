package io.github.dualwrite.journal;

import java.util.List;

/**
 * Told when entries are stored and when they are resolved (repaired), in the process that did it; the
 * read-your-writes guard follows the journal this way. Called on the thread that recorded or resolved;
 * a listener must be quick and must not throw (what it throws is logged and ignored).
 */
public interface JournalListener {

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
