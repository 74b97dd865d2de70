package io.github.dualwrite.journal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The listeners of one journal object; one that throws is logged and never breaks the caller. */
final class Listeners {

    private static final Logger log = LoggerFactory.getLogger(Listeners.class);

    private final List<JournalListener> listeners = new CopyOnWriteArrayList<>();

    void add(JournalListener listener) {
        listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    void recorded(List<JournalEntry> entries) {
        tell(entries, JournalListener::recorded);
    }

    void resolved(List<JournalEntry> entries) {
        tell(entries, JournalListener::resolved);
    }

    private void tell(List<JournalEntry> entries, BiConsumer<JournalListener, List<JournalEntry>> event) {
        if (entries.isEmpty()) {
            return;
        }
        for (JournalListener l : listeners) {
            try {
                event.accept(l, entries);
            } catch (RuntimeException e) {
                log.warn("dualwrite journal listener {} failed; ignored", l.getClass().getName(), e);
            }
        }
    }
}
