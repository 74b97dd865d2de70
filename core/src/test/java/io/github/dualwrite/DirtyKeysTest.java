package io.github.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dualwrite.config.RoutingKey;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.journal.Journal;
import io.github.dualwrite.journal.JournalEntry;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The read-your-writes guard across a refresh: whatever the order of journal events and the refresh's read,
 * a user whose rows are behind is never freed early (counting an entry twice only holds a user longer).
 */
class DirtyKeysTest {

    private static final RoutingKey USER = RoutingKey.of(7L);

    /** A journal whose unresolved() answers what the test says, running {@code during} while it "reads". */
    private static final class FakeJournal {
        volatile List<Journal.UnresolvedGroup> groups = List.of();
        volatile Runnable during = () -> { };

        Journal proxy() {
            return (Journal) Proxy.newProxyInstance(Journal.class.getClassLoader(), new Class<?>[] {Journal.class},
                    (p, m, args) -> {
                        if (m.getName().equals("unresolved") && (args == null || args.length == 0)) {
                            List<Journal.UnresolvedGroup> read = groups;
                            during.run();
                            return read;
                        }
                        throw new UnsupportedOperationException(m.getName());
                    });
        }
    }

    private static JournalEntry entry(long id, Side behind) {
        return JournalEntry.pending(Instant.EPOCH, "points", "points_detail", "7", null, JournalEntry.Operation.INSERT,
                behind, "INSERT ...", null, JournalEntry.Reason.ERROR, null, "down").withId(id);
    }

    private static List<Journal.UnresolvedGroup> pending(long count) {
        return count == 0 ? List.of() : List.of(new Journal.UnresolvedGroup("points", "points_detail", "7", Side.NEW,
                JournalEntry.Status.PENDING, count, Instant.EPOCH));
    }

    @Test
    void anEntryResolvedWhileARefreshReadsKeepsTheOthersHeld() {
        FakeJournal journal = new FakeJournal();
        DirtyKeys dirty = new DirtyKeys(journal.proxy(), 100);
        JournalEntry first = entry(1, Side.NEW);
        JournalEntry second = entry(2, Side.NEW);
        dirty.recorded(List.of(first, second));
        // the refresh reads both as pending; the repairer closes the first meanwhile (told before storing)
        journal.groups = pending(2);
        journal.during = () -> dirty.resolved(List.of(first));
        dirty.refresh();
        assertThat(dirty.behind("points", USER)).as("the second entry still holds the user").isEqualTo(DirtyKeys.NEW_BEHIND);

        // told before the store, so a refresh that reads after the store began after the telling: it counts one
        journal.during = () -> { };
        journal.groups = pending(1);
        dirty.refresh();
        assertThat(dirty.behind("points", USER)).isEqualTo(DirtyKeys.NEW_BEHIND);
        dirty.resolved(List.of(second));
        assertThat(dirty.behind("points", USER)).isZero();
    }

    @Test
    void anEntryRecordedWhileARefreshReadsIsKept() {
        FakeJournal journal = new FakeJournal();
        DirtyKeys dirty = new DirtyKeys(journal.proxy(), 100);
        JournalEntry late = entry(3, Side.OLD);
        journal.groups = pending(0);
        journal.during = () -> dirty.recorded(List.of(late)); // stored after the read, told before the swap
        dirty.refresh();
        assertThat(dirty.behind("points", USER)).isEqualTo(DirtyKeys.OLD_BEHIND);
        journal.during = () -> { };
        dirty.resolved(List.of(late));
        assertThat(dirty.behind("points", USER)).isZero();
    }

    @Test
    void toldThatTheJournalChangedItRereadsIt() {
        FakeJournal journal = new FakeJournal();
        DirtyKeys dirty = new DirtyKeys(journal.proxy(), 100);
        dirty.recorded(List.of(entry(4, Side.NEW)));
        journal.groups = List.of(new Journal.UnresolvedGroup("points", "points_detail", "7", Side.OLD,
                JournalEntry.Status.PENDING, 1, Instant.EPOCH)); // a person decided OLD is behind
        dirty.changed();
        assertThat(dirty.behind("points", USER)).isEqualTo(DirtyKeys.OLD_BEHIND);
    }

    private static JournalEntry entry(long id, long user, Side behind) {
        return JournalEntry.pending(Instant.EPOCH, "points", "points_detail", String.valueOf(user), null,
                JournalEntry.Operation.INSERT, behind, "INSERT ...", null, JournalEntry.Reason.ERROR, null, "down").withId(id);
    }

    @Test
    void pastItsBoundTheWholeUnitIsHeldUntilARefreshFindsFewerUsers() {
        FakeJournal journal = new FakeJournal();
        DirtyKeys dirty = new DirtyKeys(journal.proxy(), 2);
        dirty.recorded(List.of(entry(1, 1, Side.NEW), entry(2, 2, Side.NEW)));
        assertThat(dirty.behind("points", RoutingKey.of(3L))).isZero();
        dirty.recorded(List.of(entry(3, 3, Side.NEW)));
        assertThat(dirty.behind("points", RoutingKey.of(99L))).as("every user of the unit").isEqualTo(DirtyKeys.NEW_BEHIND);
        assertThat(dirty.behind("coupon", RoutingKey.of(99L))).as("other units are not held").isZero();

        journal.groups = pending(1); // user 7 only
        dirty.refresh();
        assertThat(dirty.behind("points", RoutingKey.of(99L))).isZero();
        assertThat(dirty.behind("points", USER)).isEqualTo(DirtyKeys.NEW_BEHIND);
        assertThat(dirty.any("points")).isTrue();
        dirty.resolved(List.of(entry(4, 7, Side.NEW)));
        assertThat(dirty.any("points")).as("its last user repaired, the unit has none").isFalse();
        assertThat(dirty.size()).isZero();
    }
}
