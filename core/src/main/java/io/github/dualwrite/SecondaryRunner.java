package io.github.dualwrite;

import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs everything the secondary side does for a caller (acquire a connection, execute, commit, roll back, apply
 * a setting) on a worker thread and waits at most a deadline for it. JDBC cannot bound these calls by itself: a
 * host that stops answering leaves a socket read hanging, a pool waits for a connection for its own timeout,
 * ShardingSphere ignores {@code setNetworkTimeout}, and a query timeout never fires for a statement that did
 * not reach the server. Past the deadline the caller goes on (the work is journaled and the breaker counts
 * the failure at once); the worker stays with the hung call until the driver gives up. Workers are bounded:
 * when all of them are stuck, new secondary work fails at once instead of queueing behind them.
 */
final class SecondaryRunner implements AutoCloseable {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SecondaryRunner.class);

    /** Secondary work, run on a worker. */
    @FunctionalInterface
    interface Call<T> {
        T run() throws SQLException;
    }

    /** The call did not finish within the deadline; {@link #stuck()} completes when it finally does. */
    static final class TimedOut extends SQLException {
        private final transient CompletableFuture<?> stuck;

        TimedOut(String message, CompletableFuture<?> stuck) {
            super(message, "HYT00");
            this.stuck = stuck;
        }

        CompletableFuture<?> stuck() {
            return stuck;
        }
    }

    private final ThreadPoolExecutor workers;

    /** At most {@code maxWorkers} calls in flight (stuck ones included). */
    SecondaryRunner(int maxWorkers) {
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(0, maxWorkers, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "dualwrite-secondary-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs {@code call} and returns its result, or throws what it threw, or {@link TimedOut} when it did not
     * finish within {@code timeoutNanos} (an interrupt of the caller counts as a timeout: the caller stops
     * waiting, its interrupt status kept).
     */
    <T> T call(Call<T> call, long timeoutNanos, String what) throws SQLException {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            workers.execute(() -> {
                try {
                    result.complete(call.run());
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException busy) {
            throw new SQLException("dualwrite: " + what + " not run: all " + workers.getMaximumPoolSize()
                    + " secondary workers are busy with calls that have not returned (the side hangs)", "HYT00");
        }
        try {
            return result.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new TimedOut("dualwrite: " + what + " did not return within "
                    + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms", result);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimedOut("dualwrite: " + what + " abandoned: the calling thread was interrupted", result);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException s) {
                throw s;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new SQLException("dualwrite: " + what + " failed: " + cause, cause);
        }
    }

    /**
     * Whether a failure says the side could not be reached in time (a timeout, a broken or refused connection,
     * a pool without a free connection) rather than that it refused the data: only these count against the
     * circuit breaker; a constraint violation is journaled without making the side look sick.
     */
    static boolean connectivity(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof TimedOut || t instanceof java.sql.SQLTimeoutException
                    || t instanceof java.sql.SQLTransientConnectionException
                    || t instanceof java.sql.SQLNonTransientConnectionException
                    || t instanceof java.sql.SQLRecoverableException || t instanceof java.io.IOException) {
                return true;
            }
            if (t instanceof SQLException s && s.getSQLState() != null
                    && (s.getSQLState().startsWith("08") || s.getSQLState().startsWith("HYT"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Closes {@code c} on a background thread once {@code after} completes: a connection detached from a hung
     * side may block its closer (a pool rolls back what it holds), which must never be a caller.
     */
    void closeLater(java.sql.Connection c, CompletableFuture<?> after) {
        after.whenComplete((r, e) -> closers.execute(() -> {
            try {
                c.close();
            } catch (SQLException | RuntimeException ignored) {
                // aborted or broken: the pool discards it
            }
        }));
    }

    /**
     * Aborts {@code c} on a background thread, to free a worker whose socket read hangs, then closes it once
     * {@code after} completes (null: never, its user closes it). Never on the caller's thread: an abort may
     * itself reach the hung host (MariaDB Connector/J opens a new connection to send {@code KILL}; seen holding
     * a business call for the whole outage), and neither a caller nor an ASYNC lane may wait for that.
     */
    void abortLater(java.sql.Connection c, CompletableFuture<?> after) {
        closers.execute(() -> {
            try {
                c.abort(Runnable::run);
            } catch (SQLException | RuntimeException | LinkageError notSupported) {
                // ShardingSphere cannot: the worker waits for the driver's own timeout
                log.debug("dualwrite: cannot abort a secondary connection: {}", notSupported.toString());
            }
            if (after != null) {
                closeLater(c, after);
            }
        });
    }

    private final java.util.concurrent.ExecutorService closers = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "dualwrite-secondary-closer");
        t.setDaemon(true);
        return t;
    });

    /** Calls that have not returned yet. */
    int active() {
        return workers.getActiveCount();
    }

    @Override
    public void close() {
        workers.shutdown();
        closers.shutdown();
    }
}
