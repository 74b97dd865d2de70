package io.github.dualwrite.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline instead of sleeping a fixed time. */
public final class Poll {

    private Poll() {
    }

    /** Something a test waits for that may throw. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    /**
     * Runs {@code action} on a thread of its own and waits for it at most {@code timeout}: a call that should
     * never be held fails the test with {@code what} instead of hanging the suite. What the action threw is
     * thrown here.
     */
    public static void returns(Duration timeout, String what, Action action) throws Exception {
        java.util.concurrent.FutureTask<Void> task = new java.util.concurrent.FutureTask<>(() -> {
            action.run();
            return null;
        });
        Thread t = new Thread(task, "poll-returns");
        t.setDaemon(true);
        t.start();
        try {
            task.get(timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(what + ": did not return within " + timeout, e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw (Error) e.getCause();
        }
    }

    /**
     * Returns as soon as {@code condition} holds; fails with an AssertionError when it still does not hold
     * after {@code timeout}.
     */
    public static void until(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("condition not met within " + timeout);
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, 50_000_000L);
        }
    }
}
