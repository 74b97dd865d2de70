package io.github.dualwrite.journal;

import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal a dual-write DataSource uses by default: the table first; the file when the table cannot be
 * written; and, when neither works, every entry in full at ERROR level and counted, never silently dropped.
 * Entries that went to the file are moved into the table the next time the table accepts a write, and by
 * {@link #replayFile()} (called at construction, so a restart moves what a previous run left behind).
 */
public final class FallbackJournal implements Journal {

    private static final Logger log = LoggerFactory.getLogger(FallbackJournal.class);

    private final JdbcJournal table;
    private final FileJournal file;
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong toFile = new AtomicLong();
    private final Listeners listeners = new Listeners();
    private final java.util.function.LongSupplier nanoTime;
    private final java.util.concurrent.atomic.AtomicBoolean replaying = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.function.Consumer<String> warn;
    /** Entries sent to the file since the last warning, and when that was (nanoTime; 0: never). */
    private long unwarned;
    private long warnedAt;

    /** Journals into {@code table}, falling back to {@code file}. */
    public FallbackJournal(JdbcJournal table, FileJournal file) {
        this(table, file, System::nanoTime, log::warn);
    }

    /** With a clock and a WARN sink of its own, for tests. */
    FallbackJournal(JdbcJournal table, FileJournal file, java.util.function.LongSupplier nanoTime,
                    java.util.function.Consumer<String> warn) {
        this.table = table;
        this.file = file;
        this.nanoTime = nanoTime;
        this.warn = warn;
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        this.workers = new java.util.concurrent.ThreadPoolExecutor(0, TABLE_WORKERS, 60, java.util.concurrent.TimeUnit.SECONDS,
                new java.util.concurrent.SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "dualwrite-journal-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        replayFile();
    }

    /** Table writes in flight at most (hung ones included); beyond, entries go to the file at once. */
    static final int TABLE_WORKERS = 4;
    /** How long a caller waits for the table before the entries go to the file. */
    static final long TABLE_TIMEOUT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(2);
    /** After a failure the table is skipped for this long, doubling while it keeps failing, up to 30 s. */
    static final long FIRST_COOL_DOWN_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
    static final long MAX_COOL_DOWN_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);

    private final java.util.concurrent.ThreadPoolExecutor workers;
    /** While the table is sick: skip it until this nanoTime, and how long the next pause is. */
    private long skipTableUntil;
    private long coolDown = FIRST_COOL_DOWN_NANOS;
    private boolean sick;

    /**
     * Stores the entries: in the table when it is healthy (waiting at most 2 s for it), else in the file. A
     * table that failed or hung is not tried again by a business call: entries go to the file, and once a
     * cool-down passed (1 s, doubling up to 30 s while it keeps failing) a journal worker checks the table in
     * the background; when it answers, the file moves into it and the table is used again. So a sick journal
     * database costs a business call at most the one wait that found it sick, and none when {@link #suspect}
     * came first.
     */
    @Override
    public void record(List<JournalEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        Exception tableFailure = intoTable(entries);
        if (tableFailure == null) {
            if (!file.isEmpty()) {
                replayInBackground();
            }
            return;
        }
        try {
            file.tryAppend(entries);
            toFile.addAndGet(entries.size());
            listeners.recorded(entries);
            warnFallback(entries.size(), tableFailure);
        } catch (IOException | RuntimeException fileFailure) {
            for (JournalEntry entry : entries) {
                lost.incrementAndGet();
                log.error("dualwrite journal LOST an entry: table {} failed ({}) and file {} failed ({}): {}",
                        table.table(), tableFailure.getMessage(), file.file(), fileFailure.getMessage(),
                        table.policy().apply(entry).describe()); // no more than the journal would keep
            }
        }
        if (coolDownOver()) {
            probeInBackground(); // after the append: a check that finds the table healthy moves these entries too
        }
    }

    /**
     * Stores the outage entry in the table (waiting at most 2 s for it), never in the file: a repairer must be
     * able to claim it once it is due. False while the table is sick, or when it fails now.
     */
    @Override
    public boolean openOutage(JournalEntry outage) {
        if (!tableHealthyNow()) {
            return false; // known sick: said already
        }
        Exception failure = intoTable(List.of(outage));
        if (failure != null) {
            log.warn("dualwrite journal table {} cannot take an outage entry ({}); skipped writes are journaled one by one",
                    table.table(), failure.getMessage());
        }
        return failure == null;
    }

    /**
     * Writes the entries to the table unless it is sick (waiting at most 2 s) and tells the listeners; returns
     * why they are not there, null when they are.
     */
    private Exception intoTable(List<JournalEntry> entries) {
        if (!tableHealthyNow()) {
            return new SQLException("skipped while the table recovers from an earlier failure");
        }
        try {
            tableTries.incrementAndGet();
            tableWithin(entries);
            tableHealthy();
            listeners.recorded(entries);
            return null;
        } catch (SQLException | RuntimeException | java.util.concurrent.TimeoutException e) {
            tableSick();
            return e;
        }
    }

    @Override
    public boolean renewOutage(JournalEntry outage, java.time.Instant until) {
        return table.renewOutage(outage, until);
    }

    @Override
    public boolean closeOutage(JournalEntry outage) {
        return table.closeOutage(outage);
    }

    /**
     * Ends the table's cool-down now: the next entries try the table again (for an operator who fixed the
     * journal's database and does not want to wait).
     */
    public void retryTable() {
        tableHealthy();
    }

    /**
     * Treats the table as sick without trying it, for a cool-down: the engine calls this when a call to the
     * database the table lives on timed out or lost its connection, so that the business call journaling that
     * failure does not wait for the same database again. Nothing happens while the table is already sick.
     */
    public synchronized void suspect() {
        if (!sick) {
            sick = true;
            skipTableUntil = nanoTime.getAsLong() + coolDown;
        }
    }

    /** Whether the table lives behind {@code candidate} (the same data source object). */
    public boolean storesIn(javax.sql.DataSource candidate) {
        return table.storesIn(candidate);
    }

    private synchronized boolean tableHealthyNow() {
        return !sick;
    }

    /** Whether the table is sick and its cool-down has passed: time for a background check. */
    private synchronized boolean coolDownOver() {
        return sick && nanoTime.getAsLong() - skipTableUntil >= 0;
    }

    /**
     * Checks the table on a journal worker, one check at a time: when it answers, it is used again and the file
     * moves into it; when it fails, the next cool-down (twice as long) starts. A check that hangs keeps its
     * worker and stops further checks until it returns: no business call waits for it.
     */
    private void probeInBackground() {
        onceInBackground(probing, () -> {
            try {
                table.pendingCount();
                tableHealthy();
                replayFile();
            } catch (RuntimeException e) {
                tableSick();
                log.debug("dualwrite journal table {} still unreachable: {}", table.table(), e.toString());
            }
        });
    }

    /**
     * Runs {@code task} on a journal worker unless the one {@code running} guards is still under way; when every
     * worker waits for the table it is not run (a later call tries again).
     */
    private void onceInBackground(java.util.concurrent.atomic.AtomicBoolean running, Runnable task) {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        try {
            workers.execute(() -> {
                try {
                    task.run();
                } finally {
                    running.set(false);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException busy) {
            running.set(false);
        }
    }

    private final java.util.concurrent.atomic.AtomicBoolean probing = new java.util.concurrent.atomic.AtomicBoolean();
    /** Table writes a business call waited for, since start (tests: a sick table is never tried again). */
    private final AtomicLong tableTries = new AtomicLong();

    /** Table writes made on the caller's thread since start. */
    long tableTries() {
        return tableTries.get();
    }

    private synchronized void tableHealthy() {
        sick = false;
        coolDown = FIRST_COOL_DOWN_NANOS;
    }

    private synchronized void tableSick() {
        skipTableUntil = nanoTime.getAsLong() + coolDown;
        coolDown = sick ? Math.min(coolDown * 2, MAX_COOL_DOWN_NANOS) : coolDown;
        sick = true;
    }

    /** Writes to the table on a worker, waiting at most {@link #TABLE_TIMEOUT_NANOS}. */
    private void tableWithin(List<JournalEntry> entries) throws SQLException, java.util.concurrent.TimeoutException {
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        try {
            workers.execute(() -> {
                try {
                    table.tryRecord(entries);
                    done.complete(null);
                } catch (Throwable t) {
                    done.completeExceptionally(t);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException busy) {
            throw new SQLException("all " + TABLE_WORKERS + " journal table writers are waiting for the database");
        }
        try {
            done.get(TABLE_TIMEOUT_NANOS, java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.TimeoutException("interrupted while waiting for the journal table");
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException sql) {
                throw sql;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new SQLException("journal table write failed: " + cause, cause);
        }
    }

    /** Moves the file into the table on a journal worker: never on the business call's thread. */
    private void replayInBackground() {
        onceInBackground(replaying, this::replayFile);
    }

    /** At WARN, at most every 10 s while the table keeps failing: how many entries went to the file meanwhile. */
    private void warnFallback(int entries, Exception tableFailure) {
        long now = nanoTime.getAsLong();
        long count;
        synchronized (this) {
            unwarned += entries;
            if (warnedAt != 0 && now - warnedAt < WARN_EVERY_NANOS) {
                return;
            }
            count = unwarned;
            unwarned = 0;
            warnedAt = now == 0 ? 1 : now;
        }
        warn.accept("dualwrite journal table " + table.table() + " cannot be written (" + tableFailure.getMessage() + "); "
                + count + " entries kept in " + file.file() + " (warned at most every 10 s; they move into the table once"
                + " it takes writes again)");
    }

    private static final long WARN_EVERY_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

    /**
     * Moves the file's entries into the table (entries already there are skipped), then empties the file.
     *
     * @return how many entries were moved, 0 when the table is still unreachable
     */
    public int replayFile() {
        try {
            int moved = file.drain(table::replay);
            if (moved > 0) {
                log.info("dualwrite journal moved {} entries from {} into table {}", moved, file.file(), table.table());
            }
            return moved;
        } catch (Exception e) {
            log.debug("dualwrite journal file {} not replayed yet: {}", file.file(), e.getMessage());
            return 0;
        }
    }

    /** Pending entries in the table plus those still waiting in the file. */
    @Override
    public long pendingCount() {
        long inFile = file.pendingCount(); // the file first, see countByStatus
        return inFile + table.pendingCount();
    }

    @Override
    public List<JournalEntry> read(long afterId, int limit) {
        return table.read(afterId, limit);
    }

    /** Claims from the table, after moving in what waits in the file. */
    @Override
    public List<JournalEntry> claim(String owner, int limit, java.time.Instant now, java.time.Duration lease) {
        replayFile();
        return table.claim(owner, limit, now, lease);
    }

    @Override
    public int complete(java.util.Collection<JournalEntry> entries, String owner) {
        return listeners.complete(new java.util.ArrayList<>(entries), () -> table.complete(entries, owner));
    }

    @Override
    public boolean fail(long id, String owner, int attempts, java.time.Instant nextAttemptAt, boolean dead, String error) {
        return table.fail(id, owner, attempts, nextAttemptAt, dead, error);
    }

    @Override
    public boolean conflict(long id, String owner, String reason, String detail) {
        return table.conflict(id, owner, reason, detail);
    }

    @Override
    public int resolve(String unit, String table, String routingKey, io.github.dualwrite.config.Side behind, String who,
                       java.time.Instant now) {
        replayFile();
        int closed = this.table.resolve(unit, table, routingKey, behind, who, now);
        listeners.changed();
        return closed;
    }

    @Override
    public int retryDead(java.time.Instant now) {
        return table.retryDead(now);
    }

    /** Counts of the table, with the file's waiting entries added to PENDING. */
    @Override
    public java.util.Map<JournalEntry.Status, Long> countByStatus() {
        long inFile = file.pendingCount(); // the file first: a replay in between counts an entry twice, never not
        java.util.Map<JournalEntry.Status, Long> counts = table.countByStatus();
        counts.merge(JournalEntry.Status.PENDING, inFile, Long::sum);
        return counts;
    }

    /** The table's figures with the entries still waiting in the file added as pending. */
    @Override
    public Journal.Stats stats() {
        Journal.Stats f = file.stats(); // the file first, see countByStatus
        Journal.Stats t = table.stats();
        java.util.Map<io.github.dualwrite.config.Side, Long> pending = new java.util.EnumMap<>(io.github.dualwrite.config.Side.class);
        pending.putAll(t.pendingBySide());
        f.pendingBySide().forEach((side, n) -> pending.merge(side, n, Long::sum));
        java.time.Instant oldest = t.oldestUnresolved() == null ? f.oldestUnresolved()
                : f.oldestUnresolved() == null || t.oldestUnresolved().isBefore(f.oldestUnresolved()) ? t.oldestUnresolved()
                : f.oldestUnresolved();
        return new Journal.Stats(pending, t.dead(), t.conflicts(), t.done(), oldest);
    }

    /** The table's unresolved groups plus the file's (entries that could not reach the table yet). */
    @Override
    public List<Journal.UnresolvedGroup> unresolved() {
        List<Journal.UnresolvedGroup> out = new java.util.ArrayList<>(file.unresolved()); // the file first, see countByStatus
        out.addAll(table.unresolved());
        return out;
    }

    @Override
    public List<Journal.UnresolvedGroup> unresolved(String unit, java.util.Collection<String> routingKeys,
                                            io.github.dualwrite.config.Side behind) {
        List<Journal.UnresolvedGroup> out = new java.util.ArrayList<>(file.unresolved(unit, routingKeys, behind));
        out.addAll(table.unresolved(unit, routingKeys, behind)); // after the file, see countByStatus
        return out;
    }

    @Override
    public void addListener(Journal.Listener listener) {
        listeners.add(listener);
    }

    /** Entries written to the file because the table could not be written, since start. */
    public long fileFallbackCount() {
        return toFile.get();
    }

    @Override
    public long lostCount() {
        return lost.get();
    }

    @Override
    public void close() {
        workers.shutdown();
        table.close();
        file.close();
    }
}
