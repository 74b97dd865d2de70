package io.github.dualwrite.journal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The listeners of one journal object; one that throws is logged and never breaks the caller. */
final class Listeners {

    private static final Logger log = LoggerFactory.getLogger(Listeners.class);

    private final List<Journal.Listener> listeners = new CopyOnWriteArrayList<>();

    void add(Journal.Listener listener) {
        listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    void recorded(List<JournalEntry> entries) {
        tell(entries, Journal.Listener::recorded);
    }

    /**
     * Marks {@code entries} DONE through {@code store} (which returns how many it changed), telling listeners
     * first: see {@link Journal.Listener#resolved}.
     */
    int complete(List<JournalEntry> entries, java.util.function.IntSupplier store) {
        tell(entries, Journal.Listener::resolved);
        int done;
        try {
            done = store.getAsInt();
        } catch (RuntimeException e) {
            tell(entries, Journal.Listener::recorded);
            throw e;
        }
        if (done < entries.size()) {
            changed(); // some were not ours any more (lease lost): their state is whatever the table says
        }
        return done;
    }

    void changed() {
        for (Journal.Listener l : listeners) {
            try {
                l.changed();
            } catch (RuntimeException e) {
                log.warn("dualwrite journal listener {} failed; ignored", l.getClass().getName(), e);
            }
        }
    }

    private void tell(List<JournalEntry> entries, BiConsumer<Journal.Listener, List<JournalEntry>> event) {
        if (entries.isEmpty()) {
            return;
        }
        for (Journal.Listener l : listeners) {
            try {
                event.accept(l, entries);
            } catch (RuntimeException e) {
                log.warn("dualwrite journal listener {} failed; ignored", l.getClass().getName(), e);
            }
        }
    }
}
