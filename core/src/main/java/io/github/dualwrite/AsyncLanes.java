package io.github.dualwrite;

import io.github.dualwrite.config.RoutingKey;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.journal.JournalEntry;
import io.github.dualwrite.sync.RowSync;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ASYNC mode's secondary writes: after the authority committed, each write (or each committed transaction)
 * is queued on a lane chosen by its user, so that one user's writes reach the secondary in the order the
 * authority took them; a lane is one thread with a bounded queue (the bulkhead). Everything that does not apply
 * is journaled as in SYNC mode; a full queue journals the write at once on the caller's thread, before it is
 * dropped. Shutdown drains the queues within a deadline and journals what is left.
 *
 * <p>Repairs in this process copy a user's rows under the user's lane lock and then move the user's stripe
 * generation on; a queued write stamped before that repair is then journaled instead of run, since the rows it
 * would change were copied with its effect already in them (running it again would apply it twice). Repairs in
 * other processes are not seen: a user written by several instances at once may see its ASYNC writes applied
 * out of order or twice on the secondary; the incremental verify over the version column finds those rows.
 */
final class AsyncLanes implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AsyncLanes.class);
    /** Stripes of users whose generation moves when one of them is repaired (a few spare journalings, no map). */
    static final int STRIPES = 1024;

    /**
     * How the lanes are sized.
     *
     * @param lanes    threads, each running its users' writes in order
     * @param capacity writes (or transactions) each lane queues before journaling instead
     * @param drain    how long close waits for the queues before journaling what is left
     */
    record Settings(int lanes, int capacity, Duration drain) {
        /** 8 lanes of 1024, 10 s to drain. */
        static final Settings DEFAULTS = new Settings(8, 1024, Duration.ofSeconds(10));

        Settings {
            if (lanes < 1 || lanes > 256) {
                throw new IllegalArgumentException("DualWriteDataSource asyncLanes must be in 1..256 but was " + lanes);
            }
            if (capacity < 1) {
                throw new IllegalArgumentException("DualWriteDataSource asyncQueueCapacity must be at least 1 but was "
                        + capacity);
            }
            Objects.requireNonNull(drain, "drain");
            if (drain.isNegative()) {
                throw new IllegalArgumentException("DualWriteDataSource asyncDrainTimeout must not be negative but was "
                        + drain);
            }
        }
    }

    /** The stripe generations a write saw before its authority ran. */
    record Stamp(int[] stripes, long[] seen) {
    }

    private final Engine engine;
    private final Settings settings;
    private final AsyncLane[] lanes;
    private final ReentrantLock[] locks;
    private final AtomicLongArray generations = new AtomicLongArray(STRIPES);
    /** Held by a write of the stripe's users from before its authority ran until it is queued: queue order = commit order. */
    private final ReentrantLock[] order = new ReentrantLock[STRIPES];
    private volatile boolean closed;

    AsyncLanes(Engine engine, Settings settings) {
        this.engine = engine;
        this.settings = settings;
        this.lanes = new AsyncLane[settings.lanes()];
        this.locks = new ReentrantLock[settings.lanes()];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = new AsyncLane("dualwrite-async-" + i, settings.capacity());
            locks[i] = new ReentrantLock();
        }
        for (int i = 0; i < STRIPES; i++) {
            order[i] = new ReentrantLock();
        }
    }

    /** A write's place in its users' order, held until it is queued; {@link #held()} false when not taken. */
    static final class Place implements AutoCloseable {
        static final Place NONE = new Place(new ReentrantLock[0], false);
        private final ReentrantLock[] locks;
        private final boolean held;

        private Place(ReentrantLock[] locks, boolean held) {
            this.locks = locks;
            this.held = held;
        }

        boolean held() {
            return held;
        }

        @Override
        public void close() {
            if (held) {
                for (int i = locks.length - 1; i >= 0; i--) {
                    locks[i].unlock();
                }
            }
        }
    }

    /**
     * Takes the write's place in the order of its users' writes: two writes of one user in this process queue in
     * the order their authority statements committed (the database's row lock orders those, this lock keeps the
     * queue in the same order). Waits at most {@code timeoutNanos}; not held then (the write is journaled).
     * Stripes are taken in ascending order, so writes of several users cannot wait for each other in a cycle.
     */
    Place place(Stamp stamp, long timeoutNanos) {
        int[] stripes = stamp.stripes().length <= 1 ? stamp.stripes()
                : java.util.Arrays.stream(stamp.stripes()).distinct().sorted().toArray();
        ReentrantLock[] taken = new ReentrantLock[stripes.length];
        long deadline = System.nanoTime() + timeoutNanos;
        for (int i = 0; i < stripes.length; i++) {
            ReentrantLock lock = order[stripes[i]];
            boolean got;
            try {
                got = lock.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                got = false;
            }
            if (!got) {
                new Place(java.util.Arrays.copyOf(taken, i), true).close();
                return Place.NONE;
            }
            taken[i] = lock;
        }
        return new Place(taken, true);
    }

    static int stripe(String unit, RoutingKey user) {
        return Math.floorMod(31 * unit.hashCode() + user.hashCode(), STRIPES);
    }

    private int lane(int stripe) {
        return stripe % lanes.length;
    }

    /** The generations of the users of the dual plans, taken before the authority runs. */
    Stamp stamp(List<Plan> plans) {
        int n = 0;
        for (Plan p : plans) {
            if (p.dual() && p.unit() != null) {
                n += p.keys().size();
            }
        }
        int[] stripes = new int[n]; // the common write has one user: no boxing, no stream on this path
        int i = 0;
        for (Plan p : plans) {
            if (p.dual() && p.unit() != null) {
                for (RoutingKey k : p.keys()) {
                    stripes[i++] = stripe(p.unit().name(), k);
                }
            }
        }
        long[] seen = new long[n];
        for (int k = 0; k < n; k++) {
            seen[k] = generations.get(stripes[k]);
        }
        return new Stamp(stripes, seen);
    }

    /** Writes (or transactions) queued and running now. */
    int queued() {
        int n = 0;
        for (AsyncLane lane : lanes) {
            n += lane.size();
        }
        return n;
    }

    /**
     * Queues the secondary half of a committed write or transaction. Journals it at once (before returning) when
     * its users span several lanes or when the lane's queue is full or closed. The key-fence tickets are closed
     * once it ran or was journaled.
     */
    void submit(Side side, List<SecondaryWork> works, Stamp stamp, List<KeyFence.Ticket> tickets) {
        Task task = new Task(side, works, stamp, tickets);
        String refused = task.lane < 0 ? "its users belong to several ASYNC lanes (a transaction of several users):"
                + " the repairer copies their rows" : null;
        JournalEntry.Reason reason = JournalEntry.Reason.ASYNC_SKIPPED;
        // an open breaker is the lane's to find: it journals off the caller's thread (the caller never waits)
        if (refused == null) {
            task.mark();
            if (lanes[task.lane].offer(task)) {
                return;
            }
            refused = closed ? "not run: the data source was closing" : "not run: the ASYNC lane's queue of "
                    + settings.capacity() + " was full (the secondary is slower than the writes)";
            reason = JournalEntry.Reason.ASYNC_DROPPED;
            engine.counters().asyncDropped.increment();
            engine.warnOnce("async-full", side.name(), () -> "dualwrite: ASYNC secondary writes to " + side
                    + " are journaled because a lane's queue is full; the repairer copies them (logged once)");
        }
        task.journalThenFinish(reason, null, refused);
    }

    /**
     * For a repair of {@code user} in this process: holds the user's lane (its queued writes wait) and, when
     * closed, moves the user's stripe generation on, so writes stamped before are journaled instead of run.
     */
    RowSync.LiveWrites.Fence repairing(String unit, RoutingKey user, Duration timeout) throws SQLException {
        int stripe = stripe(unit, user);
        ReentrantLock lock = locks[lane(stripe)];
        boolean got;
        try {
            got = lock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            got = false;
        }
        if (!got) {
            throw new SQLException("dualwrite: the ASYNC lane of user " + user + " in unit " + unit + " stayed busy for "
                    + timeout + "; try again", "40001");
        }
        return () -> {
            generations.incrementAndGet(stripe);
            lock.unlock();
        };
    }

    /**
     * Stops taking work, runs what is queued for at most the drain timeout, then journals what is left. Writes
     * submitted after this are journaled at once.
     */
    @Override
    public void close() {
        closed = true;
        for (AsyncLane lane : lanes) {
            lane.close();
        }
        long deadline = System.nanoTime() + settings.drain().toNanos();
        for (AsyncLane lane : lanes) {
            try {
                lane.awaitEnd(deadline);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int left = 0;
        for (AsyncLane lane : lanes) {
            for (Runnable r : lane.stopNow()) {
                left++;
                ((Task) r).journalThenFinish(JournalEntry.Reason.ASYNC_DROPPED, null,
                        "not run: the data source closed before its ASYNC lane reached it");
            }
        }
        if (left > 0) {
            log.warn("dualwrite: {} ASYNC secondary writes were still queued after the {} drain; journaled for repair",
                    left, settings.drain());
        }
    }

    /** The secondary half of one write or transaction, run on its user's lane. */
    private final class Task implements Runnable {
        final Side side;
        final List<SecondaryWork> works;
        final Stamp stamp;
        final List<KeyFence.Ticket> tickets;
        /** -1 when the users span lanes. */
        final int lane;
        private boolean finished;
        private boolean marked;

        Task(Side side, List<SecondaryWork> works, Stamp stamp, List<KeyFence.Ticket> tickets) {
            this.side = side;
            this.works = works;
            this.stamp = stamp;
            this.tickets = tickets;
            int l = stamp.stripes().length == 0 ? 0 : lane(stamp.stripes()[0]);
            for (int s : stamp.stripes()) {
                if (lane(s) != l) {
                    l = -1;
                    break;
                }
            }
            this.lane = l;
        }

        @Override
        public void run() {
            ReentrantLock lock = locks[lane];
            lock.lock();
            try {
                String skip = skipReason();
                if (skip != null) {
                    journalThenFinish(JournalEntry.Reason.ASYNC_SKIPPED, null, skip);
                    return;
                }
                execute();
            } catch (RuntimeException | Error e) {
                journalThenFinish(JournalEntry.Reason.ERROR, e, null);
            } finally {
                lock.unlock();
                finish();
            }
        }

        /** Why running the writes now could apply them twice or out of order, or null. */
        private String skipReason() {
            for (int i = 0; i < stamp.stripes().length; i++) {
                if (generations.get(stamp.stripes()[i]) != stamp.seen()[i]) {
                    return "not run: a repair of its users copied their rows after the write, its effect included";
                }
            }
            for (SecondaryWork w : works) {
                if (w.detachedReplayMissing()) {
                    return "not run: the transaction's ASYNC writes outgrew maxBufferedSecondaryBytes; kept by key";
                }
                for (Plan p : w.plans()) {
                    for (RoutingKey k : p.keys()) {
                        if ((engine.dirtyKeys().journalBehind(p.unit().name(), k) & DirtyKeys.bit(side)) != 0) {
                            return "not run: its users' rows were already behind on " + side
                                    + " (unrepaired journal entries); the repairer copies them";
                        }
                    }
                }
            }
            return null;
        }

        private void execute() {
            CircuitBreaker breaker = engine.breaker(side);
            if (!breaker.tryAcquirePermission()) {
                engine.counters().breakerRejections.increment();
                journalThenFinish(JournalEntry.Reason.BREAKER_OPEN, null,
                        "not run: the circuit breaker in front of " + side + " is " + breaker.getState());
                return;
            }
            AtomicReference<Connection> open = new AtomicReference<>();
            long start = System.nanoTime();
            try {
                engine.onSecondary(side, "ASYNC secondary write", () -> {
                    try (Connection c = engine.dataSource(side).getConnection()) {
                        open.set(c);
                        Replays.runAll(c, works, engine.secondaryTimeoutSeconds());
                    }
                    return null;
                });
            } catch (SQLException | RuntimeException e) {
                if (e instanceof SecondaryRunner.TimedOut) {
                    abort(open.get());
                }
                if (SecondaryRunner.connectivity(e)) {
                    breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
                } else {
                    breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                }
                engine.counters().secondaryFailures.increment();
                engine.secondaryFailed(works.get(0).unit(), side, e.toString());
                journalThenFinish(JournalEntry.Reason.ERROR, e, null);
                return;
            }
            breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            engine.counters().secondaryWrites.add(works.size());
            List<JournalEntry> unverified = new ArrayList<>();
            for (SecondaryWork w : works) {
                unverified.addAll(w.unverified(engine.clock().instant()));
            }
            if (!unverified.isEmpty()) {
                engine.counters().rowCountMismatches.add(unverified.size());
                engine.secondaryFailed(works.get(0).unit(), side, unverified.get(0).errorMessage());
                engine.journal(unverified);
            }
        }

        private void abort(Connection c) {
            if (c != null) {
                engine.abortLater(c, null); // the worker's try-with-resources closes it when its call returns
            }
        }

        /** Journals every write of the task (before its users stop being held), then lets them go. */
        void journalThenFinish(JournalEntry.Reason reason, Throwable error, String message) {
            List<JournalEntry> entries = new ArrayList<>();
            for (SecondaryWork w : works) {
                entries.addAll(w.everything(engine.clock().instant(), reason, error, message));
            }
            engine.secondaryFailed(works.get(0).unit(), side, message != null ? message : String.valueOf(error));
            engine.journal(entries);
            finish();
        }

        /** Holds the task's users for reads (see {@link DirtyKeys#queued}) until it finished. */
        void mark() {
            marked = true;
            mark(1);
        }

        private void mark(int delta) {
            for (SecondaryWork w : works) {
                for (Plan p : w.plans()) {
                    if (p.unit() != null) {
                        for (RoutingKey k : p.keys()) {
                            engine.dirtyKeys().queued(p.unit().name(), k, side, delta);
                        }
                    }
                }
            }
        }

        private synchronized void finish() {
            if (finished) {
                return;
            }
            finished = true;
            if (marked) {
                mark(-1);
            }
            tickets.forEach(KeyFence.Ticket::close);
        }
    }
}
