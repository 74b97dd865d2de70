package io.github.dualwrite.config;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Runs a config check again and again on a scheduler, whatever one run throws. A periodic task of a
 * {@link ScheduledExecutorService} is cancelled for good by the first exception or error it lets out (the
 * executor stores it in a future nobody reads): a document that made one check run out of memory used to stop
 * hot reload silently. Here each run schedules the next one before anything leaves it.
 */
final class Poller {

    private final ScheduledExecutorService scheduler;
    private final Runnable check;
    private final long delayMillis;
    private final Logger log;
    private final String what;
    private final LongSupplier versionInForce;
    private final AtomicLong failures = new AtomicLong();
    private final Object lock = new Object();
    private ScheduledFuture<?> next;
    private boolean closed;

    Poller(ScheduledExecutorService scheduler, Runnable check, long delayMillis, Logger log, String what,
           LongSupplier versionInForce) {
        this.scheduler = scheduler;
        this.check = check;
        this.delayMillis = delayMillis;
        this.log = log;
        this.what = what;
        this.versionInForce = versionInForce;
    }

    void start() {
        scheduleNext();
    }

    long failures() {
        return failures.get();
    }

    void close() {
        synchronized (lock) {
            closed = true;
            if (next != null) {
                next.cancel(false);
            }
        }
    }

    private void scheduleNext() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            try {
                next = scheduler.schedule(this::runOnce, delayMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                closed = true;
                log.warn("{}: the scheduler was shut down; polling stops", what);
            }
        }
    }

    private void runOnce() {
        try {
            guarded(check);
        } finally {
            scheduleNext();
        }
    }

    /**
     * Runs {@code task}; anything it throws is counted and logged (a source that cannot be read, such as an
     * unreachable database, at WARN; anything else, errors included, at ERROR). A {@link VirtualMachineError} is rethrown after that: the JVM may be
     * unusable, and the caller's thread decides.
     */
    void guarded(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            long n = failures.incrementAndGet();
            if (t instanceof IllegalStateException) { // the source could not be read (a database down): expected
                log.warn("{} failed ({} so far); v{} stays in force, polling goes on: {}", what, n,
                        versionInForce.getAsLong(), t.toString());
            } else {
                log.error("{} failed with an error ({} so far); v{} stays in force, polling goes on", what, n,
                        versionInForce.getAsLong(), t);
            }
            if (t instanceof VirtualMachineError vmError) {
                throw vmError;
            }
        }
    }
}
