package io.github.dualwrite;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One ASYNC lane: a thread running queued work in order, and a bounded queue the callers add to without waking
 * it. A caller that signalled the lane thread would pay for the wake-up, and on a small machine the woken thread
 * often takes the caller's own core (the scheduler runs a just-woken thread where its waker ran) so the caller
 * waited for the secondary after all; measured on 2 cores: 85-145 µs per call with a signalling executor. The
 * lane polls instead: at once while it has work, then sleeping from 1 ms up to 10 ms while it finds none; the
 * secondary write starts at most that late.
 */
final class AsyncLane implements Runnable {

    static final long MIN_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    static final long MAX_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    /** Queued plus running. */
    private final AtomicInteger size = new AtomicInteger();
    private final int capacity;
    private final Thread thread;
    /** The thread starts with the first work: a data source that never runs ASYNC keeps no polling threads. */
    private final java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean closed;

    AsyncLane(String name, int capacity) {
        this.capacity = capacity;
        this.thread = new Thread(this, name);
        thread.setDaemon(true);
    }

    /** Queues {@code work}; false when the queue is full or the lane closed (the caller journals it). */
    boolean offer(Runnable work) {
        if (closed) {
            return false;
        }
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            return false;
        }
        queue.offer(work);
        if (!started.get() && started.compareAndSet(false, true)) {
            thread.start();
        }
        if (closed && queue.remove(work)) {
            size.decrementAndGet(); // closed meanwhile and not yet drained: the caller journals it
            return false;
        }
        return true;
    }

    /** Work queued or running now. */
    int size() {
        return size.get();
    }

    @Override
    public void run() {
        long idle = MIN_IDLE_NANOS;
        while (true) {
            if (Thread.currentThread().isInterrupted()) {
                // stopNow: what is still queued is the closer's to journal; taking it here would run it (or fail
                // it at once, interrupted) while the closer drains the same queue
                return;
            }
            Runnable work = queue.poll();
            if (work == null) {
                if (closed) {
                    return;
                }
                LockSupport.parkNanos(idle);
                idle = Math.min(idle * 2, MAX_IDLE_NANOS);
                continue;
            }
            idle = MIN_IDLE_NANOS;
            try {
                work.run();
            } finally {
                size.decrementAndGet();
            }
        }
    }

    /** Stops taking work; the thread runs what is queued, then ends. */
    void close() {
        closed = true;
        LockSupport.unpark(thread);
    }

    /** Waits until the thread ended or the deadline passed; whether it ended. */
    boolean awaitEnd(long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        if (left > 0) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
        return !thread.isAlive();
    }

    /** Interrupts the running work and takes what is still queued (for the caller to journal). */
    List<Runnable> stopNow() {
        thread.interrupt();
        List<Runnable> left = new ArrayList<>();
        for (Runnable r; (r = queue.poll()) != null; ) {
            size.decrementAndGet();
            left.add(r);
        }
        return left;
    }
}
