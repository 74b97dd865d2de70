package io.github.dualwrite.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.dualwrite.journal.Journal;
import io.github.dualwrite.journal.JournalEntry;
import io.github.resilience4j.core.IntervalFunction;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains the journal: leases batches of due entries (so several application instances can run it side by
 * side without handling an entry twice), repairs each with {@link RowSync} against whichever side is
 * authoritative for the user at repair time, and on failure retries later with exponential backoff
 * (resilience4j's interval function), giving up after {@code maxAttempts} with the reason kept (DEAD).
 * Runs on a schedule inside the application ({@link #start()}) or once from the command line
 * ({@link #runOnce()}).
 */
public final class Repairer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Repairer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Journal journal;
    private final RowSync rowSync;
    private final String owner;
    private final int batchSize;
    private final Duration lease;
    private final int maxAttempts;
    private final IntervalFunction backoff;
    private final Clock clock;
    private final RepairListener listener;
    private final Duration interval;
    private final ScheduledExecutorService scheduler;
    private final AtomicLong claimed = new AtomicLong();
    private final AtomicLong repaired = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dead = new AtomicLong();
    private ScheduledFuture<?> schedule;

    private Repairer(Builder b) {
        this.journal = b.journal;
        this.rowSync = b.rowSync;
        this.owner = b.owner;
        this.batchSize = b.batchSize;
        this.lease = b.lease;
        this.maxAttempts = b.maxAttempts;
        this.backoff = IntervalFunction.ofExponentialBackoff(b.initialBackoff, 2.0, b.maxBackoff);
        this.clock = b.clock;
        this.listener = b.listener;
        this.interval = b.interval;
        this.scheduler = b.scheduler;
    }

    /** Configures a repairer of {@code journal} using {@code rowSync}. */
    public static Builder builder(Journal journal, RowSync rowSync) {
        return new Builder(journal, rowSync);
    }

    /** Repairs every entry that is due now, batch after batch, and returns what it did. */
    public RepairRun runOnce() {
        RepairRun total = new RepairRun(0, 0, 0, 0);
        while (true) {
            List<JournalEntry> batch = journal.claim(owner, batchSize, clock.instant(), lease);
            if (batch.isEmpty()) {
                return total;
            }
            total = total.plus(repair(batch));
        }
    }

    private RepairRun repair(List<JournalEntry> batch) {
        int ok = 0;
        int retry = 0;
        int gaveUp = 0;
        claimed.addAndGet(batch.size());
        for (JournalEntry e : batch) {
            notify(l -> l.claimed(e));
            try {
                SyncResult result = resolve(e);
                if (journal.complete(e.id(), owner)) {
                    ok++;
                    repaired.incrementAndGet();
                    notify(l -> l.repaired(e, result));
                }
            } catch (Unrepairable u) {
                gaveUp += giveUp(e, e.attempts() + 1, u.getMessage()) ? 1 : 0;
            } catch (Exception ex) {
                int attempts = e.attempts() + 1;
                if (attempts >= maxAttempts) {
                    gaveUp += giveUp(e, attempts, "gave up after " + attempts + " attempts: " + ex) ? 1 : 0;
                } else {
                    Instant next = clock.instant().plusMillis(backoff.apply(attempts));
                    if (journal.fail(e.id(), owner, attempts, next, false, String.valueOf(ex))) {
                        retry++;
                        failed.incrementAndGet();
                        notify(l -> l.failed(e, ex));
                    }
                }
            }
        }
        return new RepairRun(batch.size(), ok, retry, gaveUp);
    }

    private boolean giveUp(JournalEntry e, int attempts, String reason) {
        if (journal.fail(e.id(), owner, attempts, clock.instant(), true, reason)) {
            dead.incrementAndGet();
            log.warn("dualwrite repair gave up on journal entry {} ({} {} key {}): {}", e.id(), e.unit(), e.table(),
                    e.routingKey(), reason);
            notify(l -> l.dead(e, reason));
            return true;
        }
        return false;
    }

    /** Syncs the rows an entry is about: by routing key, else by the primary keys it names. */
    private SyncResult resolve(JournalEntry e) throws Exception {
        if (e.routingKey() != null) {
            return rowSync.sync(e.unit(), e.table(), e.routingKey());
        }
        if (e.primaryKey() != null) {
            JsonNode keys = JSON.readTree(e.primaryKey());
            SyncResult result = null;
            for (JsonNode k : keys) {
                List<Object> pk = new ArrayList<>();
                if (k.isArray()) {
                    k.forEach(v -> pk.add(value(v)));
                } else {
                    pk.add(value(k));
                }
                SyncResult r = rowSync.syncRow(e.unit(), e.table(), pk);
                result = result == null ? r : result.plus(r);
            }
            if (result != null) {
                return result;
            }
        }
        throw new Unrepairable("the entry names neither a routing key nor a primary key; run verify on "
                + e.unit() + "." + e.table() + " to find and repair the difference");
    }

    private static Object value(JsonNode v) {
        if (v.isIntegralNumber()) {
            return v.longValue();
        }
        if (v.isNumber()) {
            return v.decimalValue();
        }
        return v.asText();
    }

    /** Runs {@link #runOnce()} every {@code interval} until closed. */
    public synchronized Repairer start() {
        if (schedule == null) {
            ScheduledExecutorService s = scheduler != null ? scheduler : ownScheduler();
            schedule = s.scheduleWithFixedDelay(this::runQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        }
        return this;
    }

    private ScheduledExecutorService ownedScheduler;

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
            RepairRun run = runOnce();
            if (run.claimed() > 0) {
                log.info("dualwrite repair: {} claimed, {} repaired, {} to retry, {} given up", run.claimed(),
                        run.repaired(), run.failed(), run.dead());
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

    /** Stops the schedule; entries being repaired finish, leases of unfinished ones run out. */
    @Override
    public synchronized void close() {
        if (schedule != null) {
            schedule.cancel(false);
        }
        if (ownedScheduler != null) {
            ownedScheduler.shutdownNow();
        }
    }

    private void notify(java.util.function.Consumer<RepairListener> event) {
        try {
            event.accept(listener);
        } catch (RuntimeException e) {
            log.warn("dualwrite repair listener {} failed", listener.getClass().getName(), e);
        }
    }

    /** An entry nothing can repair. */
    private static final class Unrepairable extends Exception {
        private static final long serialVersionUID = 1L;

        Unrepairable(String message) {
            super(message);
        }
    }

    /** Options of a {@link Repairer}. */
    public static final class Builder {
        private final Journal journal;
        private final RowSync rowSync;
        private String owner = defaultOwner();
        private int batchSize = 100;
        private Duration lease = Duration.ofMinutes(2);
        private int maxAttempts = 10;
        private Duration initialBackoff = Duration.ofSeconds(5);
        private Duration maxBackoff = Duration.ofMinutes(30);
        private Clock clock = Clock.systemUTC();
        private RepairListener listener = new RepairListener() { };
        private Duration interval = Duration.ofSeconds(10);
        private ScheduledExecutorService scheduler;

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

        /** Entries leased per batch; default 100. */
        public Builder batchSize(int value) {
            if (value < 1 || value > 10_000) {
                throw new IllegalArgumentException("Repairer batchSize must be 1..10000 but was " + value);
            }
            this.batchSize = value;
            return this;
        }

        /** How long a lease lasts; default 2 minutes. */
        public Builder lease(Duration value) {
            this.lease = positive("lease", value);
            return this;
        }

        /** Attempts before an entry is given up (DEAD); default 10. */
        public Builder maxAttempts(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("Repairer maxAttempts must be at least 1 but was " + value);
            }
            this.maxAttempts = value;
            return this;
        }

        /** Backoff after the first failure, doubling up to {@code max}; default 5 s up to 30 min. */
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

        /** Told about every entry. */
        public Builder listener(RepairListener value) {
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
}
