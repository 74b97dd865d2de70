package io.github.dualwrite.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.journal.Journal;
import io.github.dualwrite.journal.JournalEntry;
import io.github.resilience4j.core.IntervalFunction;
import java.lang.management.ManagementFactory;
import java.net.SocketException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

    private final Journal journal;
    private final RowSync rowSync;
    private final String owner;
    private final int batchSize;
    private final Duration lease;
    private final int maxAttempts;
    private final IntervalFunction backoff;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Listener listener;
    private final Duration interval;
    private final ScheduledExecutorService scheduler;
    private final int threads;
    private final ExecutorService workers;
    private final AtomicLong claimed = new AtomicLong();
    private final AtomicLong repaired = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dead = new AtomicLong();
    private final AtomicLong conflicts = new AtomicLong();
    /** Held by a pass in progress: close() waits for it. */
    private final ReentrantLock pass = new ReentrantLock();
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
                    total = total.plus(repair(batch));
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

    // ------------------------------------------------------------------ one batch

    /** The entries of one user's rows of one table (or of one entry without user): one repair. */
    private record Target(String unit, String table, String routingKey, String primaryKey) {
    }

    /** How one group ended. */
    private record Result(List<JournalEntry> entries, RowSync.Result synced, RowSync.Conflict conflict, Exception error,
                          String unrepairable) {
    }

    private Run repair(List<JournalEntry> batch) {
        claimed.addAndGet(batch.size());
        batch.forEach(e -> notify(l -> l.claimed(e)));
        Map<Target, List<JournalEntry>> groups = new LinkedHashMap<>();
        for (JournalEntry e : batch) {
            Target t = new Target(e.unit(), e.table().toLowerCase(java.util.Locale.ROOT), e.routingKey(),
                    e.routingKey() == null ? e.primaryKey() : null);
            groups.computeIfAbsent(t, k -> new ArrayList<>()).add(e);
        }
        Map<Target, Set<JournalEntry.Status>> openStates = new HashMap<>();
        Map<Target, Set<Side>> directions = directions(groups, openStates);
        List<Result> results = run(groups, directions, openStates);
        return record(results, batch.size());
    }

    /** The sides behind for each group: its own entries' and every other unresolved entry of the same rows. */
    private Map<Target, Set<Side>> directions(Map<Target, List<JournalEntry>> groups,
                                              Map<Target, Set<JournalEntry.Status>> openStates) {
        Map<Target, Set<Side>> out = new HashMap<>();
        // per unit and side behind in this batch: the users, whose entries the other way (or conflicts) matter
        Map<String, Map<Side, Set<String>>> keysByUnit = new LinkedHashMap<>();
        groups.forEach((t, entries) -> {
            Set<Side> sides = EnumSet.noneOf(Side.class);
            entries.forEach(e -> sides.add(e.failedSide()));
            out.put(t, sides);
            if (t.routingKey() != null) {
                for (Side side : sides) {
                    keysByUnit.computeIfAbsent(t.unit(), u -> new java.util.EnumMap<>(Side.class))
                            .computeIfAbsent(side, s -> new LinkedHashSet<>()).add(t.routingKey());
                }
            }
        });
        keysByUnit.forEach((unit, bySide) -> bySide.forEach((side, keys) -> {
            for (Journal.UnresolvedGroup g : journal.unresolved(unit, keys, side.other())) {
                Target t = new Target(g.unit(), g.table().toLowerCase(java.util.Locale.ROOT), g.routingKey(), null);
                Set<Side> sides = out.get(t);
                if (sides != null) {
                    sides.add(g.behind());
                    openStates.computeIfAbsent(t, k -> EnumSet.noneOf(JournalEntry.Status.class)).add(g.status());
                }
            }
        }));
        return out;
    }

    /** Users repaired in one transaction per side: one commit for all of them. */
    static final int USERS_PER_TRANSACTION = 25;

    /** A group that needs copying: its entries, the request for RowSync, the side copied from. */
    private record Job(List<JournalEntry> entries, RowSync.Request request, Side from) {
    }

    /**
     * Decides every group (conflicts need no database), then copies the rest in chunks of users sharing one
     * transaction per side, the chunks on the worker threads. A chunk that fails is repaired user by user, so
     * one bad user cannot hold back the others.
     */
    private List<Result> run(Map<Target, List<JournalEntry>> groups, Map<Target, Set<Side>> directions,
                             Map<Target, Set<JournalEntry.Status>> openStates) {
        List<Result> results = new ArrayList<>(groups.size());
        Map<Side, List<Job>> jobs = new java.util.EnumMap<>(Side.class);
        groups.forEach((t, entries) -> {
            Object decided = decide(t, entries, directions.get(t), openStates.get(t));
            if (decided instanceof Job job) {
                jobs.computeIfAbsent(job.from(), k -> new ArrayList<>()).add(job);
            } else {
                results.add((Result) decided);
            }
        });
        List<java.util.concurrent.Callable<List<Result>>> chunks = new ArrayList<>();
        jobs.forEach((from, list) -> {
            // every chunk locks its users in the same order (table, then user): chunks never wait on each other
            // in a cycle, whatever gap locks the database takes
            list.sort(java.util.Comparator.comparing((Job j) -> j.request().table())
                    .thenComparing(j -> j.request().key()));
            for (int i = 0; i < list.size(); i += USERS_PER_TRANSACTION) {
                List<Job> chunk = list.subList(i, Math.min(list.size(), i + USERS_PER_TRANSACTION));
                chunks.add(() -> copy(chunk, from));
            }
        });
        if (workers == null || chunks.size() == 1) {
            for (java.util.concurrent.Callable<List<Result>> c : chunks) {
                try {
                    results.addAll(c.call());
                } catch (Exception e) {
                    throw new IllegalStateException("dualwrite repair failed", e);
                }
            }
            return results;
        }
        List<Future<List<Result>>> futures = new ArrayList<>(chunks.size());
        chunks.forEach(c -> futures.add(workers.submit(c)));
        for (Future<List<Result>> f : futures) {
            try {
                results.addAll(f.get());
            } catch (ExecutionException e) {
                throw new IllegalStateException("dualwrite repair worker failed", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("dualwrite repair interrupted", e);
            }
        }
        return results;
    }

    /** One chunk in one transaction per side; when that fails, each user on their own. */
    private List<Result> copy(List<Job> chunk, Side from) {
        List<Result> out = new ArrayList<>(chunk.size());
        try {
            List<RowSync.Request> requests = chunk.stream().map(Job::request).toList();
            List<RowSync.Outcome> outcomes = rowSync.repairAll(requests, from);
            for (int i = 0; i < chunk.size(); i++) {
                RowSync.Outcome o = outcomes.get(i);
                out.add(new Result(chunk.get(i).entries(), o.result(), o.conflict(), null, null));
            }
            return out;
        } catch (SQLException | RuntimeException together) {
            for (Job job : chunk) {
                RowSync.Request r = job.request();
                try {
                    RowSync.Result result = r.rows() == null ? rowSync.repair(r.unit(), r.table(), r.key(), from, r.checked())
                            : rowSync.repairRows(r.unit(), r.table(), r.key(), r.rows(), from, r.checked());
                    out.add(done(job.entries(), result));
                } catch (RowSync.Conflict c) {
                    out.add(new Result(job.entries(), null, c, null, null));
                } catch (Exception e) {
                    out.add(new Result(job.entries(), null, null, e, null));
                }
            }
            return out;
        }
    }

    /** A group's outcome decided without copying ({@link Result}), or the {@link Job} that copies it. */
    private Object decide(Target t, List<JournalEntry> entries, Set<Side> behind, Set<JournalEntry.Status> open) {
        JournalEntry decision = null;
        for (JournalEntry e : entries) {
            if (e.reason() == JournalEntry.Reason.RESOLVED) {
                decision = e;
            }
        }
        try {
            if (decision == null && open != null && open.contains(JournalEntry.Status.CONFLICT)) {
                return conflict(entries, t, "the rows of user " + t.routingKey() + " in " + t.table() + " are already"
                        + " in conflict: these entries wait for the same decision");
            }
            if (decision != null && behind.contains(decision.failedSide().other())) {
                // a decision covers the entries it closed; a write journaled after it the other way is news
                return conflict(entries, t, "entries of user " + t.routingKey() + " in " + t.table() + " written after"
                        + " the decision that " + decision.failedSide() + " is behind say that "
                        + decision.failedSide().other() + " is behind: a person decides again");
            }
            if (decision == null && behind.size() > 1) {
                return conflict(entries, t, "entries of user " + t.routingKey() + " in " + t.table() + " say that both"
                        + " OLD and NEW are behind (a move was forced past the journal gate): a person decides which"
                        + " side holds the right rows");
            }
            Side late = decision != null ? decision.failedSide() : behind.iterator().next();
            boolean checked = decision == null;
            if (t.routingKey() != null) {
                return new Job(entries, new RowSync.Request(t.unit(), t.table(),
                        io.github.dualwrite.config.RoutingKey.of(t.routingKey()), rowsNamed(entries), checked), late.other());
            }
            if (t.primaryKey() != null) {
                RowSync.Result result = null;
                for (List<Object> pk : primaryKeys(t.primaryKey())) {
                    RowSync.Result r = rowSync.repairRow(t.unit(), t.table(), pk, late.other(), checked);
                    result = result == null ? r : result.plus(r);
                }
                if (result != null) {
                    return done(entries, result);
                }
            }
            return new Result(entries, null, null, null, "the entry names neither a routing key nor a primary key; run"
                    + " verify on " + t.unit() + "." + t.table() + " to find and repair the difference");
        } catch (RowSync.Conflict c) {
            return new Result(entries, null, c, null, null);
        } catch (Exception e) {
            return new Result(entries, null, null, e, null);
        }
    }

    private Result conflict(List<JournalEntry> entries, Target t, String reason) throws SQLException {
        String detail = t.routingKey() == null ? null : rowSync.snapshot(t.unit(), t.table(), t.routingKey());
        return new Result(entries, null, new RowSync.Conflict(reason, detail), null, null);
    }

    private static Result done(List<JournalEntry> entries, RowSync.Result result) {
        return new Result(entries, result, null, null, null);
    }

    /** Marks what the batch did: repaired entries in one statement, the others one by one. */
    private Run record(List<Result> results, int claimedCount) {
        List<JournalEntry> done = new ArrayList<>();
        Map<JournalEntry, RowSync.Result> synced = new HashMap<>();
        int retry = 0;
        int gaveUp = 0;
        int parked = 0;
        for (Result r : results) {
            if (r.synced() != null) {
                done.addAll(r.entries());
                r.entries().forEach(e -> synced.put(e, r.synced()));
            } else if (r.conflict() != null) {
                for (JournalEntry e : r.entries()) {
                    if (journal.conflict(e.id(), owner, r.conflict().getMessage(), r.conflict().detail())) {
                        parked++;
                        conflicts.incrementAndGet();
                        notify(l -> l.conflict(e, r.conflict().getMessage()));
                    }
                }
                log.warn("dualwrite repair: CONFLICT, {} entries parked for a person: {}", r.entries().size(),
                        r.conflict().getMessage());
            } else if (r.unrepairable() != null) {
                for (JournalEntry e : r.entries()) {
                    gaveUp += giveUp(e, e.attempts() + 1, r.unrepairable()) ? 1 : 0;
                }
            } else {
                for (JournalEntry e : r.entries()) {
                    int outcome = failedAttempt(e, r.error());
                    retry += outcome == 1 ? 1 : 0;
                    gaveUp += outcome == 2 ? 1 : 0;
                }
            }
        }
        int ok = done.isEmpty() ? 0 : journal.complete(done, owner);
        repaired.addAndGet(ok);
        done.forEach(e -> notify(l -> l.repaired(e, synced.get(e))));
        return new Run(claimedCount, ok, retry, gaveUp, parked);
    }

    /** 1 when the entry is retried later, 2 when it was given up, 0 when the lease was lost. */
    private int failedAttempt(JournalEntry e, Exception error) {
        int attempts = e.attempts() + 1;
        boolean unreachable = unreachable(error);
        if (attempts >= maxAttempts && !unreachable) {
            return giveUp(e, attempts, "gave up after " + attempts + " attempts: " + error) ? 2 : 0;
        }
        // a side that cannot be reached is waited for as long as it takes, at the longest backoff
        long wait = backoff.apply(Math.min(attempts, 30));
        if (journal.fail(e.id(), owner, attempts, clock.instant().plusMillis(wait), false, String.valueOf(error))) {
            failed.incrementAndGet();
            notify(l -> l.failed(e, error));
            return 1;
        }
        return 0;
    }

    /** Whether a failure says a side could not be reached (worth waiting for) rather than that the repair is wrong. */
    static boolean unreachable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException
                    || t instanceof SQLNonTransientConnectionException || t instanceof SocketException) {
                return true;
            }
            if (t instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
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

    /**
     * The single-column keys of the rows these entries wrote, or null when some entry does not name its rows
     * (an UPDATE by user, say): then the user's whole table is repaired.
     */
    private static List<Object> rowsNamed(List<JournalEntry> entries) throws java.io.IOException {
        Set<Object> keys = new LinkedHashSet<>();
        for (JournalEntry e : entries) {
            if (e.primaryKey() == null || e.reason() == JournalEntry.Reason.RESOLVED) {
                return null;
            }
            for (List<Object> pk : primaryKeys(e.primaryKey())) {
                if (pk.size() != 1) {
                    return null;
                }
                keys.add(pk.get(0));
            }
        }
        return keys.isEmpty() ? null : new ArrayList<>(keys);
    }

    private static List<List<Object>> primaryKeys(String json) throws java.io.IOException {
        List<List<Object>> out = new ArrayList<>();
        for (JsonNode k : JSON.readTree(json)) {
            List<Object> pk = new ArrayList<>();
            if (k.isArray()) {
                k.forEach(v -> pk.add(value(v)));
            } else {
                pk.add(value(k));
            }
            out.add(pk);
        }
        return out;
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

    private void notify(java.util.function.Consumer<Listener> event) {
        try {
            event.accept(listener);
        } catch (RuntimeException e) {
            log.warn("dualwrite repair listener {} failed", listener.getClass().getName(), e);
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
