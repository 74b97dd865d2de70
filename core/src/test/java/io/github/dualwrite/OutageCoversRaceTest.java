package io.github.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dualwrite.config.Side;
import io.github.dualwrite.journal.Journal;
import io.github.dualwrite.journal.JournalEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The invariant outage entries exist for, under racing writers, stores and closes: whenever an outage entry is
 * closed, every write whose entry was taken (its caller told it succeeded) is stored already or covered by
 * another open outage entry. A close that ignored entries still buffered breaks it.
 */
class OutageCoversRaceTest {

    /** An in-memory journal that checks the invariant at every close. */
    private static final class Ledger implements Journal {
        /** Every write a caller was told succeeded. */
        final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        /** The same, not looked at by a close yet. */
        final java.util.Queue<String> unseen = new java.util.concurrent.ConcurrentLinkedQueue<>();
        /** Acknowledged and not stored at the last close: only the closing thread touches it. */
        final List<String> unstored = new ArrayList<>();
        final Set<String> stored = ConcurrentHashMap.newKeySet();
        final Map<String, JournalEntry> open = new ConcurrentHashMap<>();
        final List<String> broken = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger opened = new AtomicInteger();
        volatile boolean refuse;
        final AtomicInteger closed = new AtomicInteger();

        @Override
        public void record(List<JournalEntry> entries) {
            entries.forEach(e -> stored.add(e.entryId()));
        }

        @Override
        public boolean openOutage(JournalEntry outage) {
            opened.incrementAndGet();
            if (refuse) {
                return false;
            }
            open.put(outage.entryId(), outage);
            return true;
        }

        @Override
        public boolean renewOutage(JournalEntry outage, Instant until) {
            return open.containsKey(outage.entryId());
        }

        @Override
        public boolean closeOutage(JournalEntry outage) {
            // the writes acknowledged so far, then whether any outage entry is still open: a write taken after
            // this may belong to an entry opened meanwhile, and is judged at a later close
            for (String id; (id = unseen.poll()) != null; ) {
                unstored.add(id);
            }
            open.remove(outage.entryId());
            closed.incrementAndGet();
            unstored.removeIf(stored::contains);
            if (open.isEmpty()) {
                broken.addAll(unstored);
                unstored.clear();
            }
            return true;
        }

        void acknowledge(String id) {
            acknowledged.add(id);
            unseen.add(id);
        }

        @Override
        public long lostCount() {
            return 0;
        }

        @Override
        public long pendingCount() {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<JournalEntry> read(long afterId, int limit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<JournalEntry> claim(String owner, int limit, Instant now, Duration lease) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int complete(Collection<JournalEntry> entries, String owner) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean fail(long id, String owner, int attempts, Instant nextAttemptAt, boolean dead, String error) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean conflict(long id, String owner, String reason, String detail) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int resolve(String unit, String table, String routingKey, Side behind, String who, Instant now) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int retryDead(Instant now) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<JournalEntry.Status, Long> countByStatus() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Stats stats() {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<UnresolvedGroup> unresolved() {
            return List.of();
        }

        @Override
        public List<UnresolvedGroup> unresolved(String unit, Collection<String> routingKeys, Side behind) {
            return List.of();
        }

        @Override
        public void addListener(Listener listener) {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void noOutageEntryClosesWhileAWriteItCoversHasNoEntryOfItsOwn() throws Exception {
        Ledger journal = new Ledger();
        AtomicBoolean breakerClosed = new AtomicBoolean();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        OutageCovers covers = new OutageCovers(journal, new DirtyKeys(journal, 1_000), Clock.systemUTC(), System::nanoTime,
                scheduler, side -> breakerClosed.get(), "test", OutageCovers.LEASE);
        ExecutorService threads = Executors.newFixedThreadPool(6);
        AtomicBoolean stop = new AtomicBoolean();
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int writer = w;
                writers.add(threads.submit(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        JournalEntry e = JournalEntry.pending(Instant.now(), "points", "points_detail",
                                String.valueOf(writer * 1_000_000 + i % 50), null, JournalEntry.Operation.UPDATE,
                                Side.NEW, "UPDATE points_detail SET amount = ?", null, JournalEntry.Reason.BREAKER_OPEN,
                                null, "not run: the circuit breaker in front of NEW is OPEN");
                        if (!covers.take(List.of(e))) {
                            journal.record(List.of(e)); // what the engine does then
                        }
                        journal.acknowledge(e.entryId());
                        if (i % 100 == 99) {
                            java.util.concurrent.locks.LockSupport.parkNanos(200_000); // gaps in which entries can close
                        }
                    }
                    return null;
                }));
            }
            // stores and closes race the writers: the breaker flips, and whole flushes run besides the scheduled ones
            writers.add(threads.submit(() -> {
                while (!stop.get()) {
                    breakerClosed.set(!breakerClosed.get());
                    covers.flush(true);
                }
                return null;
            }));
            // until outage entries were opened and closed many times under the load
            io.github.dualwrite.testing.Poll.until(Duration.ofSeconds(60), () -> journal.closed.get() >= 20
                    && journal.acknowledged.size() >= 20_000 || !journal.broken.isEmpty());
            stop.set(true);
            for (Future<?> f : writers) {
                f.get(1, TimeUnit.MINUTES);
            }
        } finally {
            threads.shutdownNow();
        }
        covers.close();
        scheduler.shutdownNow();
        assertThat(journal.broken).as("writes neither stored nor covered when an outage entry closed").isEmpty();
        assertThat(journal.opened.get()).as("outage entries opened, closed and opened again").isGreaterThanOrEqualTo(20);
        assertThat(journal.closed.get()).isEqualTo(journal.opened.get());
        assertThat(journal.stored).containsAll(journal.acknowledged);
        assertThat(covers.bufferedCount()).isZero();
    }

    private static JournalEntry skipped(String user) {
        return JournalEntry.pending(Instant.now(), "points", "points_detail", user, null, JournalEntry.Operation.UPDATE,
                Side.NEW, "UPDATE points_detail SET amount = ?", null, JournalEntry.Reason.BREAKER_OPEN, null,
                "not run: the circuit breaker in front of NEW is OPEN");
    }

    @Test
    void aJournalThatRefusedAnOutageEntryIsNotAskedAgainByEveryCallerButAfterACoolDown() {
        Ledger journal = new Ledger();
        journal.refuse = true;
        java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong(1);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            OutageCovers covers = new OutageCovers(journal, new DirtyKeys(journal, 1_000), Clock.systemUTC(), nanos::get,
                    scheduler, side -> false, "test", OutageCovers.LEASE);
            for (int i = 0; i < 100; i++) {
                assertThat(covers.take(List.of(skipped("7")))).as("the caller journals its own").isFalse();
            }
            assertThat(journal.opened.get()).isEqualTo(1);
            nanos.addAndGet(OutageCovers.IDLE.toNanos());
            journal.refuse = false;
            assertThat(covers.take(List.of(skipped("7")))).as("tried again after the cool-down").isTrue();
            assertThat(journal.opened.get()).isEqualTo(2);
            assertThat(covers.take(List.of(skipped("8")))).isTrue();
            assertThat(journal.opened.get()).as("one outage entry for the unit").isEqualTo(2);
            covers.close();
            assertThat(journal.stored).hasSize(2);
        } finally {
            scheduler.shutdownNow();
        }
    }
}
