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

    /** Entries were repaired (DONE). */
    default void resolved(List<JournalEntry> entries) {
    }
}
