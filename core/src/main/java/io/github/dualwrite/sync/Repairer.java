package io.github.dualwrite.sync;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.journal.Journal;
import io.github.dualwrite.journal.JournalEntry;
import io.github.resilience4j.core.IntervalFunction;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains the journal. Leases batches of due entries (several application instances can run it side by side
 * without handling an entry twice), coalesces the entries of one user's rows of one table into one
 * {@link RowSync#repair}, repairs users in parallel, and marks the batch in one statement.
 *
 * <p>Repair follows the journal, never today's stage: each entry says which side is behind, and the rows are
 * copied to it from the other side (the one that was the authority when the write happened). Entries of the
 * same rows that point both ways, or a target that has since become the authority and holds a newer row,
 * become CONFLICT with both rows kept: never resolved silently. A failure is retried with exponential backoff;
 * a side that cannot be reached is retried for as long as it takes, other failures are given up (DEAD) after
 * {@code maxAttempts} with the reason kept.
 *
 * <p>Runs on a schedule inside the application ({@link #start()}), once ({@link #runOnce()}), or until the
 * journal is empty ({@link #drain}: before every move of the authority).
 */
public final class Repairer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Repairer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    final Journal journal;
    final RowSync rowSync;
    final String owner;
    private final int batchSize;
    final Duration lease;
    final int maxAttempts;
    final IntervalFunction backoff;
    final Clock clock;
    final Sleeper sleeper;
    final Listener listener;
    private final Duration interval;
    private final ScheduledExecutorService scheduler;
    final int threads;
    final ExecutorService workers;
    final AtomicLong claimed = new AtomicLong();
    final AtomicLong repaired = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong dead = new AtomicLong();
    final AtomicLong conflicts = new AtomicLong();
    /** Held by a pass in progress: close() waits for it. */
    private final ReentrantLock pass = new ReentrantLock();
    private final RepairPass repairPass;
    private ScheduledFuture<?> schedule;
    private ScheduledExecutorService ownedScheduler;

    private Repairer(Builder b) {
        this.journal = b.journal;
        this.rowSync = b.rowSync;
        this.owner = b.owner;
        this.batchSize = b.batchSize;
        this.lease = b.lease;
        this.maxAttempts = b.maxAttempts;
        this.backoff = IntervalFunction.ofExponentialBackoff(b.initialBackoff, 2.0, b.maxBackoff);
        this.clock = b.clock;
        this.sleeper = b.sleeper;
        this.listener = b.listener;
        this.interval = b.interval;
        this.scheduler = b.scheduler;
        this.threads = b.threads;
        this.workers = b.threads > 1 ? Executors.newFixedThreadPool(b.threads, r -> {
            Thread t = new Thread(r, "dualwrite-repair-worker");
            t.setDaemon(true);
            return t;
        }) : null;
        this.repairPass = new RepairPass(this);
    }

    /** Configures a repairer of {@code journal} using {@code rowSync}. */
    public static Builder builder(Journal journal, RowSync rowSync) {
        return new Builder(journal, rowSync);
    }

    /**
     * Repairs the entries that are due now, batch after batch, and returns what it did. A pass ends when a
     * batch comes back short (the backlog is caught up) or after {@value #BATCHES_PER_PASS} batches, so that
     * entries arriving as fast as they are repaired never keep it from returning.
     */
    public Run runOnce() {
        pass.lock();
        try {
            Run total = Run.NONE;
            for (int i = 0; i < BATCHES_PER_PASS && !closed; i++) {
                List<JournalEntry> batch = journal.claim(owner, batchSize, clock.instant(), lease);
                if (!batch.isEmpty()) {
                    total = total.plus(repairPass.repair(batch));
                }
                if (batch.size() < batchSize) {
                    break;
                }
            }
            return total;
        } finally {
            pass.unlock();
        }
    }

    private volatile boolean closed;

    /** Batches one pass handles at most. */
    static final int BATCHES_PER_PASS = 20;

    /**
     * Repairs until no entry is pending or {@code timeout} has passed, waiting for entries in backoff to come
     * due: what an operator runs before moving the authority. Dead and conflicting entries are not retried
     * here; they are counted in the result (they hold the stage gate until a person deals with them).
     */
    public DrainResult drain(Duration timeout) {
        Instant start = clock.instant();
        Instant deadline = start.plus(timeout);
        Run total = Run.NONE;
        while (true) {
            Run run = runOnce();
            total = total.plus(run);
            Journal.Stats stats = journal.stats();
            Instant now = clock.instant();
            if (stats.pending() == 0 || !now.isBefore(deadline) || closed) {
                return new DrainResult(total, stats.pending(), stats.dead(), stats.conflicts(), Duration.between(start, now));
            }
            if (run.claimed() == 0) {
                Duration wait = Duration.between(now, deadline);
                try {
                    sleeper.sleep(wait.compareTo(Duration.ofMillis(200)) < 0 ? wait : Duration.ofMillis(200));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new DrainResult(total, stats.pending(), stats.dead(), stats.conflicts(), Duration.between(start, now));
                }
            }
        }
    }

    /**
     * A person's decision after a conflict: {@code trusted} holds the right rows of this user in this table.
     * Every unresolved entry of them is closed, and one entry makes the repairer copy {@code trusted} over the
     * other side, without conflict checks.
     *
     * @return how many entries were closed
     */
    public int resolve(String unit, String table, String routingKey, Side trusted, String who) {
        int closed = journal.resolve(unit, table, routingKey, trusted.other(), who, clock.instant());
        log.warn("dualwrite repair: {} decided that {} holds the rows of user {} in {}.{}; {} entries closed, {} is"
                + " copied over {}", who, trusted, routingKey, unit, table, closed, trusted, trusted.other());
        return closed;
    }

    // ------------------------------------------------------------------ schedule

    /** Runs {@link #runOnce()} every {@code interval} until closed. */
    public synchronized Repairer start() {
        if (schedule == null) {
            ScheduledExecutorService s = scheduler != null ? scheduler : ownScheduler();
            schedule = s.scheduleWithFixedDelay(this::runQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        }
        return this;
    }

    private ScheduledExecutorService ownScheduler() {
        ownedScheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dualwrite-repairer");
            t.setDaemon(true);
            return t;
        });
        return ownedScheduler;
    }

    private void runQuietly() {
        try {
            Run run = runOnce();
            if (run.claimed() > 0) {
                log.info("dualwrite repair: {} claimed, {} repaired, {} to retry, {} given up, {} in conflict", run.claimed(),
                        run.repaired(), run.failed(), run.dead(), run.conflicts());
            }
        } catch (RuntimeException e) {
            log.warn("dualwrite repair run failed; trying again in {}", interval, e);
        }
    }

    /** Entries claimed since start (each attempt counts). */
    public long claimedCount() {
        return claimed.get();
    }

    /** Entries repaired since start. */
    public long repairedCount() {
        return repaired.get();
    }

    /** Failed attempts since start (to be retried). */
    public long failedCount() {
        return failed.get();
    }

    /** Entries given up on since start. */
    public long deadCount() {
        return dead.get();
    }

    /** Entries parked as CONFLICT since start. */
    public long conflictCount() {
        return conflicts.get();
    }

    /**
     * Stops the schedule and waits (up to the lease time) for the pass in progress; leases of entries it did
     * not finish run out.
     */
    @Override
    public void close() {
        closed = true; // a drain on another thread stops after its batch; no batch starts any more
        synchronized (this) {
            if (schedule != null) {
                schedule.cancel(false);
            }
        }
        boolean idle = false;
        try {
            idle = pass.tryLock(lease.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (idle) {
                pass.unlock();
            }
        }
        if (ownedScheduler != null) {
            ownedScheduler.shutdownNow();
        }
        if (workers != null) {
            workers.shutdownNow();
        }
    }

    /** Options of a {@link Repairer}; each checked as it is set. */
    public static final class Builder {
        private final Journal journal;
        private final RowSync rowSync;
        private String owner = defaultOwner();
        private int batchSize = 5_000;
        private Duration lease = Duration.ofMinutes(2);
        private int maxAttempts = 10;
        private Duration initialBackoff = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofMinutes(1);
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.SYSTEM;
        private Listener listener = new Listener() { };
        private Duration interval = Duration.ofSeconds(10);
        private ScheduledExecutorService scheduler;
        private int threads = 4;

        private Builder(Journal journal, RowSync rowSync) {
            this.journal = Objects.requireNonNull(journal, "journal");
            this.rowSync = Objects.requireNonNull(rowSync, "rowSync");
        }

        private static String defaultOwner() {
            return ManagementFactory.getRuntimeMXBean().getName() + "-" + Long.toHexString(System.nanoTime());
        }

        /** Who holds the leases (unique per repairer); default host-pid-random. */
        public Builder owner(String value) {
            if (value == null || value.isBlank() || value.length() > 128) {
                throw new IllegalArgumentException("Repairer owner must be 1..128 characters but was " + value);
            }
            this.owner = value;
            return this;
        }

        /** Entries leased per batch (the entries of one user in a batch are repaired at once); default 5000. */
        public Builder batchSize(int value) {
            if (value < 1 || value > 10_000) {
                throw new IllegalArgumentException("Repairer batchSize must be 1..10000 but was " + value);
            }
            this.batchSize = value;
            return this;
        }

        /** Users repaired at once (each takes a connection on both sides); default 4. */
        public Builder threads(int value) {
            if (value < 1 || value > 64) {
                throw new IllegalArgumentException("Repairer threads must be 1..64 but was " + value);
            }
            this.threads = value;
            return this;
        }

        /** How long a lease lasts; default 2 minutes. */
        public Builder lease(Duration value) {
            this.lease = positive("lease", value);
            return this;
        }

        /** Attempts before an entry that keeps failing for another reason than an unreachable side is given up; default 10. */
        public Builder maxAttempts(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("Repairer maxAttempts must be at least 1 but was " + value);
            }
            this.maxAttempts = value;
            return this;
        }

        /** Backoff after the first failure, doubling up to {@code max}; default 1 s up to 1 min. */
        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = positive("initial backoff", initial);
            this.maxBackoff = positive("max backoff", max);
            return this;
        }

        /** The clock for leases and retries; default UTC system clock. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** How {@link #drain} waits for entries in backoff; default {@link Sleeper#SYSTEM}. */
        public Builder sleeper(Sleeper value) {
            this.sleeper = Objects.requireNonNull(value, "sleeper");
            return this;
        }

        /** Told about every entry. */
        public Builder listener(Listener value) {
            this.listener = Objects.requireNonNull(value, "listener");
            return this;
        }

        /** Pause between scheduled runs; default 10 s. */
        public Builder interval(Duration value) {
            this.interval = positive("interval", value);
            return this;
        }

        /** Runs scheduled repairs on this scheduler (not shut down on close). */
        public Builder scheduler(ScheduledExecutorService value) {
            this.scheduler = Objects.requireNonNull(value, "scheduler");
            return this;
        }

        /** Builds the repairer. */
        public Repairer build() {
            return new Repairer(this);
        }

        private static Duration positive(String name, Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("Repairer " + name + " must be positive but was " + value);
            }
            return value;
        }
    }

    /**
     * What one {@link Repairer#runOnce()} did.
     *
     * @param claimed   entries leased
     * @param repaired  entries repaired
     * @param failed    attempts that failed and will be retried
     * @param dead      entries given up on
     * @param conflicts entries parked as CONFLICT for a person to decide
     */
    public record Run(int claimed, int repaired, int failed, int dead, int conflicts) {

        /** Nothing done. */
        public static final Run NONE = new Run(0, 0, 0, 0, 0);

        /** A run without conflicts. */
        public Run(int claimed, int repaired, int failed, int dead) {
            this(claimed, repaired, failed, dead, 0);
        }

        /** One line for logs and the walkthrough: {@code REPAIR claimed=.. repaired=.. failed=.. dead=.. conflicts=..}. */
        @Override
        public String toString() {
            return "REPAIR claimed=" + claimed + " repaired=" + repaired + " failed=" + failed + " dead=" + dead
                    + " conflicts=" + conflicts;
        }

        Run plus(Run o) {
            return new Run(claimed + o.claimed, repaired + o.repaired, failed + o.failed, dead + o.dead,
                    conflicts + o.conflicts);
        }
    }

    /**
     * What {@link Repairer#drain} did.
     *
     * @param run       the entries it handled, summed over its passes
     * @param pending   entries still pending when it returned (0 when drained)
     * @param dead      entries given up on, in the journal when it returned: a person must look at them
     * @param conflicts entries in conflict, in the journal when it returned: a person must decide
     * @param took      how long it ran
     */
    public record DrainResult(Repairer.Run run, long pending, long dead, long conflicts, Duration took) {

        /** Whether nothing is left to repair: no pending, dead or conflicting entry. */
        public boolean drained() {
            return pending == 0 && dead == 0 && conflicts == 0;
        }

        @Override
        public String toString() {
            return "DRAIN repaired=" + run.repaired() + " failed=" + run.failed() + " dead=" + dead + " conflicts=" + conflicts
                    + " pending=" + pending + " took_ms=" + took.toMillis();
        }
    }

    /**
     * Told what the repairer does with each entry (for metrics and logs). Exceptions thrown here are logged and
     * change nothing.
     */
    public interface Listener {

        /** An entry was leased to this repairer. */
        default void claimed(JournalEntry entry) {
        }

        /** An entry was repaired (the other side now equals the authority for its rows). */
        default void repaired(JournalEntry entry, RowSync.Result result) {
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
}
