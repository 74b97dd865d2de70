package io.github.dualwrite.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.dualwrite.config.Side;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The order listeners are told about closed entries: before the store, told again when it fails. */
class ListenersTest {

    private final List<String> told = new ArrayList<>();
    private final Listeners listeners = new Listeners();

    ListenersTest() {
        listeners.add(new Journal.Listener() {
            @Override
            public void recorded(List<JournalEntry> entries) {
                told.add("recorded " + entries.size());
            }

            @Override
            public void resolved(List<JournalEntry> entries) {
                told.add("resolved " + entries.size());
            }

            @Override
            public void changed() {
                told.add("changed");
            }
        });
        listeners.add(new Journal.Listener() {
            @Override
            public void resolved(List<JournalEntry> entries) {
                throw new IllegalStateException("a broken listener");
            }
        });
    }

    private static List<JournalEntry> entries() {
        return List.of(JournalEntry.pending(Instant.EPOCH, "points", "points_detail", "7", null,
                JournalEntry.Operation.INSERT, Side.NEW, "INSERT ...", null, JournalEntry.Reason.ERROR, null, "x")
                .withId(1));
    }

    @Test
    void toldBeforeTheStoreAndNothingElseWhenAllAreClosed() {
        assertThat(listeners.complete(entries(), () -> {
            told.add("stored");
            return 1;
        })).isEqualTo(1);
        assertThat(told).containsExactly("resolved 1", "stored");
    }

    @Test
    void aFailedStoreTellsTheEntriesAgain() {
        assertThatThrownBy(() -> listeners.complete(entries(), () -> {
            throw new IllegalStateException("journal table down");
        })).hasMessageContaining("journal table down");
        assertThat(told).containsExactly("resolved 1", "recorded 1");
    }

    @Test
    void entriesNotClosedMakeListenersRereadTheJournal() {
        assertThat(listeners.complete(entries(), () -> 0)).isZero();
        assertThat(told).containsExactly("resolved 1", "changed");
    }
}
