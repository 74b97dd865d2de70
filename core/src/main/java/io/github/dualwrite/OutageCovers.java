package io.github.dualwrite;

import io.github.dualwrite.config.RoutingKey;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.journal.Journal;
import io.github.dualwrite.journal.JournalEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps SYNC writes at the authority's cost while a secondary's circuit breaker is open (G2 without a second
 * durable write per call).
 *
 * <p>The first write a breaker makes skip stores one {@link JournalEntry.Reason#OUTAGE} entry for its unit and the
 * side behind, before it returns. From then on the skipped writes' own entries are buffered and stored in
 * batches by a background task; the outage entry stands for them until they are stored. Its process keeps it
 * from being due (a lease moved on every quarter of {@link #LEASE}) and closes it once the breaker closed and
 * every entry it stood for is stored. When the process dies first, the entry falls due and a repairer verifies the
 * whole unit. Whatever cannot be covered this way (no table for the outage entry, a full buffer, a stale lease)
 * is journaled entry by entry on the caller's thread, as before.
 */
final class OutageCovers {

    private static final Logger log = LoggerFactory.getLogger(OutageCovers.class);

    /** How long an outage entry stays not due without its process renewing it. */
    static final Duration LEASE = Duration.ofSeconds(60);
    /** Entries buffered at most; past it, callers journal their own. */
    static final int MAX_BUFFERED = 50_000;
    /** Entries stored per journal write; a full batch is stored at once. */
    static final int BATCH = 2_000;
    /**
     * How long an entry waits in the buffer at most. Storing in large batches is what keeps an outage cheap for
     * the authority's database (each journal write is a commit there: stored every 10 ms, the outage cost 1.37x
     * the pass-through on MariaDB; every second, 1.04x); the outage entry covers the wait.
     */
    static final Duration MAX_WAIT = Duration.ofSeconds(1);
    /** An outage entry with nothing buffered and no write taken for this long is closed, breaker open or not. */
    static final Duration IDLE = Duration.ofSeconds(1);
    /** How often the background task looks at the buffer. */
    static final long FLUSH_EVERY_MILLIS = 10;

    private final Journal journal;
    private final DirtyKeys dirty;
    private final Clock clock;
    private final java.util.function.LongSupplier nanoTime;
    private final ScheduledExecutorService scheduler;
    private final Predicate<Side> breakerClosed;
    private final String owner;
    private final Duration lease;
    /** One opener at a time: the others would each write an outage entry of their own. */
    private final Object opening = new Object();
    /** One store at a time: closing waits for a store under way, so that it can close what that store finished. */
    private final Object storing = new Object();

    // guarded by this
    private final Map<Scope, Cover> current = new HashMap<>();
    private final Set<Cover> open = new LinkedHashSet<>();
    private final ArrayDeque<Buffered> buffer = new ArrayDeque<>();
    private ScheduledFuture<?> flusher;
    private boolean closed;
    /** After the journal refused an outage entry, callers journal their own until this nanoTime. */
    private long noOpenUntil;
    private boolean refused;

    /**
     * @param clock    the time leases are written in (the repairers compare it with theirs)
     * @param nanoTime measures how long an entry took nothing
     */
    OutageCovers(Journal journal, DirtyKeys dirty, Clock clock, java.util.function.LongSupplier nanoTime,
                 ScheduledExecutorService scheduler, Predicate<Side> breakerClosed, String owner, Duration lease) {
        this.journal = journal;
        this.dirty = dirty;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.scheduler = scheduler;
        this.breakerClosed = breakerClosed;
        this.owner = owner;
        this.lease = lease;
    }

    /** A unit and the side behind in it: what one outage entry covers. */
    private record Scope(String unit, Side behind) {
    }

    /** An outage entry this process wrote and has not closed or given up. */
    private static final class Cover {
        final JournalEntry entry;
        final Scope scope;
        Instant leaseUntil;
        /** When it last took an entry (nanoTime). */
        long lastTaken;
        /** Entries buffered under it and not stored yet. */
        int unstored;
        /** Takes no more entries (stale lease, renew refused, or another one replaced it). */
        boolean retired;
        /** An entry under it could be stored nowhere: never closed, so that the repairer verifies the unit. */
        boolean keep;

        Cover(JournalEntry entry, Scope scope, Instant leaseUntil, long openedAt) {
            this.entry = entry;
            this.scope = scope;
            this.leaseUntil = leaseUntil;
            this.lastTaken = openedAt;
        }
    }

    private record Buffered(JournalEntry entry, Cover cover, RoutingKey user, long at) {
    }

    /**
     * Takes entries of writes a breaker made skip, to be stored in the background under an outage entry; false
     * when the caller must journal them itself. Costs the caller one journal write when no outage entry is open.
     */
    boolean take(List<JournalEntry> entries) {
        List<RoutingKey> users = new ArrayList<>(entries.size());
        Set<Scope> scopes = new LinkedHashSet<>();
        for (JournalEntry e : entries) {
            if (e.reason() != JournalEntry.Reason.BREAKER_OPEN || "-".equals(e.unit())) {
                return false; // only a unit can be verified when the process dies
            }
            try {
                users.add(e.routingKey() == null ? null : RoutingKey.of(e.routingKey()));
            } catch (IllegalArgumentException unusual) {
                return false;
            }
            scopes.add(new Scope(e.unit(), e.failedSide()));
        }
        if (entries.isEmpty() || buffered(entries, users, scopes)) {
            return true;
        }
        synchronized (opening) {
            for (Scope scope : scopes) {
                if (!openIfMissing(scope)) {
                    return false;
                }
            }
            return buffered(entries, users, scopes);
        }
    }

    /** Buffers the entries when every scope has a usable outage entry and the buffer has room. */
    private synchronized boolean buffered(List<JournalEntry> entries, List<RoutingKey> users, Set<Scope> scopes) {
        if (closed || buffer.size() + entries.size() > MAX_BUFFERED) {
            return false;
        }
        Instant now = clock.instant();
        for (Scope scope : scopes) {
            if (!usable(current.get(scope), now)) {
                return false;
            }
        }
        long at = nanoTime.getAsLong();
        for (int i = 0; i < entries.size(); i++) {
            JournalEntry e = entries.get(i);
            Cover cover = current.get(new Scope(e.unit(), e.failedSide()));
            cover.unstored++;
            cover.lastTaken = at;
            buffer.add(new Buffered(e, cover, users.get(i), at));
            if (users.get(i) != null) {
                dirty.buffered(e.unit(), users.get(i), e.failedSide(), 1);
            }
        }
        return true;
    }

    /** Usable: not retired, and at least half its lease left (a write it covers is safe for that long). */
    private boolean usable(Cover c, Instant now) {
        return c != null && !c.retired && now.isBefore(c.leaseUntil.minus(lease.dividedBy(2)));
    }

    /** Opens an outage entry for {@code scope} unless a usable one is open; false when the journal cannot keep one. */
    private boolean openIfMissing(Scope scope) {
        Instant now = clock.instant();
        synchronized (this) {
            if (closed) {
                return false;
            }
            Cover c = current.get(scope);
            if (usable(c, now)) {
                return true;
            }
            if (c != null) {
                c.retired = true; // its lease ran low (the background task is late): a fresh entry covers what comes
            }
            if (refused && nanoTime.getAsLong() - noOpenUntil < 0) {
                return false; // not every caller tries a journal that just refused: one try per cool-down
            }
        }
        Instant until = now.plus(lease);
        JournalEntry entry = JournalEntry.outage(now, scope.unit(), scope.behind(), owner, until);
        if (!journal.openOutage(entry)) {
            synchronized (this) {
                refused = true;
                noOpenUntil = nanoTime.getAsLong() + IDLE.toNanos();
            }
            return false;
        }
        synchronized (this) {
            refused = false;
            Cover c = new Cover(entry, scope, until, nanoTime.getAsLong());
            current.put(scope, c);
            open.add(c);
            if (flusher == null && !closed) {
                flusher = scheduler.scheduleWithFixedDelay(this::flushQuietly, FLUSH_EVERY_MILLIS, FLUSH_EVERY_MILLIS,
                        TimeUnit.MILLISECONDS);
            }
        }
        log.warn("dualwrite: circuit breaker in front of {} is open: writes of unit {} it skips are journaled in the"
                + " background under outage entry {} (closed once they are all stored; if this process dies first,"
                + " the repairer verifies the unit)", scope.behind(), scope.unit(), entry.entryId());
        return true;
    }

    /** Entries buffered and not stored yet. */
    synchronized int bufferedCount() {
        return buffer.size();
    }

    /** Outage entries open in this process. */
    synchronized int openCount() {
        return open.size();
    }

    private void flushQuietly() {
        try {
            flush(false);
        } catch (RuntimeException e) {
            log.warn("dualwrite: storing the journal entries of an outage failed; retrying", e);
        }
    }

    /**
     * Stores what is buffered once a batch is full or its oldest entry waited {@link #MAX_WAIT} (everything
     * when {@code all}), renews the leases, closes what is done: the background task's work.
     */
    void flush(boolean all) {
        synchronized (storing) {
            if (all || due()) {
                storeBuffered();
            }
            renew();
            closeDone(false);
        }
    }

    private synchronized boolean due() {
        Buffered oldest = buffer.peek();
        return oldest != null && (buffer.size() >= BATCH || nanoTime.getAsLong() - oldest.at() >= MAX_WAIT.toNanos());
    }

    private void storeBuffered() {
        while (true) {
            List<Buffered> batch = new ArrayList<>();
            synchronized (this) {
                while (batch.size() < BATCH && !buffer.isEmpty()) {
                    batch.add(buffer.poll());
                }
            }
            if (batch.isEmpty()) {
                return;
            }
            List<JournalEntry> entries = new ArrayList<>(batch.size());
            batch.forEach(b -> entries.add(b.entry()));
            long lostBefore = journal.lostCount();
            journal.record(entries); // never throws; stored in the table or the file, else logged in full
            boolean lost = journal.lostCount() != lostBefore;
            synchronized (this) {
                for (Buffered b : batch) {
                    b.cover().unstored--;
                    b.cover().keep |= lost;
                }
            }
            for (Buffered b : batch) {
                if (b.user() != null) {
                    dirty.buffered(b.entry().unit(), b.user(), b.entry().failedSide(), -1); // after the journal told the guard
                }
            }
        }
    }

    /** Moves on every lease with less than three quarters left; a refused renew retires the entry. */
    private void renew() {
        Instant now = clock.instant();
        List<Cover> due = new ArrayList<>();
        synchronized (this) {
            for (Cover c : open) {
                if (!c.keep && Duration.between(now, c.leaseUntil).compareTo(lease.multipliedBy(3).dividedBy(4)) < 0) {
                    due.add(c);
                }
            }
        }
        for (Cover c : due) {
            Instant until = now.plus(lease);
            boolean renewed = journal.renewOutage(c.entry, until);
            synchronized (this) {
                if (renewed) {
                    c.leaseUntil = until;
                } else {
                    c.retired = true;
                }
            }
            if (!renewed) {
                log.warn("dualwrite: outage entry {} of unit {} could not be renewed (a repairer took it, or the journal"
                        + " is unreachable): it takes no more writes, and the repairer verifies the unit once it is due",
                        c.entry.entryId(), c.scope.unit());
            }
        }
    }

    /**
     * Closes every outage entry whose writes are all stored and whose breaker closed or that took nothing for
     * {@link #IDLE} (with no traffic a breaker stays open, and an entry kept open would hold the journal's drain
     * and the stage gate), any when {@code leaving}; forgets, without closing, those under which an entry was lost.
     */
    private void closeDone(boolean leaving) {
        List<Cover> done = new ArrayList<>();
        long now = nanoTime.getAsLong();
        synchronized (this) {
            for (var it = open.iterator(); it.hasNext(); ) {
                Cover c = it.next();
                if (c.unstored > 0) {
                    continue;
                }
                if (c.keep || c.retired || leaving || breakerClosed.test(c.scope.behind())
                        || now - c.lastTaken >= IDLE.toNanos()) {
                    it.remove();
                    c.retired = true;
                    current.remove(c.scope, c);
                    done.add(c);
                }
            }
            if (open.isEmpty() && buffer.isEmpty() && flusher != null) {
                flusher.cancel(false);
                flusher = null;
            }
        }
        for (Cover c : done) {
            if (c.keep) {
                log.warn("dualwrite: outage entry {} of unit {} stays open: an entry under it could not be stored; the"
                        + " repairer verifies the unit once it is due", c.entry.entryId(), c.scope.unit());
            } else if (journal.closeOutage(c.entry)) {
                log.info("dualwrite: outage entry {} of unit {} closed: every write it stood for has its own entry",
                        c.entry.entryId(), c.scope.unit());
            } else {
                log.warn("dualwrite: outage entry {} of unit {} could not be closed (a repairer holds it, or the journal"
                        + " is unreachable): the repairer verifies the unit", c.entry.entryId(), c.scope.unit());
            }
        }
    }

    /** Stops taking entries, stores what is buffered and closes the outage entries (the data source closes). */
    void close() {
        synchronized (this) {
            closed = true;
            if (flusher != null) {
                flusher.cancel(false);
                flusher = null;
            }
        }
        synchronized (opening) { // a caller opening an entry now buffers nothing after this
            synchronized (storing) {
                storeBuffered();
                closeDone(true);
            }
        }
    }
}
