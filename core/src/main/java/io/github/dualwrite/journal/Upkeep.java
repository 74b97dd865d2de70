package io.github.dualwrite.journal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal's housekeeping under its {@link JournalPolicy}: DONE entries purged after the retention (at most
 * every {@link #PURGE_EVERY}, from the repairer's thread, never from a business thread), and a rate-limited
 * WARN while the pending backlog is above the threshold (a person should look: the repairer is not keeping up
 * or a side has been down for long).
 */
final class Upkeep {

    /** How often the retention purge runs at most. */
    static final Duration PURGE_EVERY = Duration.ofMinutes(10);
    /** How often the backlog warning is repeated at most. */
    static final Duration WARN_EVERY = Duration.ofMinutes(5);

    private static final Logger log = LoggerFactory.getLogger(Upkeep.class);

    private final JournalPolicy policy;
    private final Clock clock;
    private final String what;
    private final Consumer<String> warn;
    private final AtomicLong lastPurge = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong lastWarn = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong warnings = new AtomicLong();
    private final AtomicLong purged = new AtomicLong();

    Upkeep(JournalPolicy policy, Clock clock, String what, Consumer<String> warn) {
        this.policy = policy;
        this.clock = clock;
        this.what = what;
        this.warn = warn;
    }

    /** Told the pending count whenever it is read (status, metrics, the stage gate). */
    void backlog(long pending) {
        if (pending <= policy.backlogWarnThreshold()) {
            return;
        }
        long now = clock.millis();
        long previous = lastWarn.get();
        if (previous != Long.MIN_VALUE && now - previous < WARN_EVERY.toMillis() || !lastWarn.compareAndSet(previous, now)) {
            return;
        }
        warnings.incrementAndGet();
        warn.accept(what + " holds " + pending + " pending entries, above the warning threshold of "
                + policy.backlogWarnThreshold() + ": check that a repairer runs and that both sides are reachable"
                + " (warned at most every " + WARN_EVERY.toMinutes() + " minutes)");
    }

    /** Purges DONE entries past the retention when the last purge is {@link #PURGE_EVERY} ago. */
    void purgeIfDue(Journal journal) {
        long now = clock.millis();
        long previous = lastPurge.get();
        if (previous != Long.MIN_VALUE && now - previous < PURGE_EVERY.toMillis() || !lastPurge.compareAndSet(previous, now)) {
            return;
        }
        Instant cutoff = clock.instant().minus(policy.retention());
        try {
            long n = journal.purgeDone(cutoff);
            purged.addAndGet(n);
            if (n > 0) {
                log.info("{}: purged {} DONE entries written before {} (retention {})", what, n, cutoff, policy.retention());
            }
        } catch (RuntimeException e) {
            log.warn("{}: purging DONE entries failed; retried in {} minutes: {}", what, PURGE_EVERY.toMinutes(), e.toString());
        }
    }

    /** Backlog warnings given so far. */
    long warnings() {
        return warnings.get();
    }

    /** DONE entries purged so far. */
    long purged() {
        return purged.get();
    }
}
