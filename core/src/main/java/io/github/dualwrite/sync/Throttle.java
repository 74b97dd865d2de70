package io.github.dualwrite.sync;

import java.time.Clock;
import java.time.Duration;

/** Keeps a job at or under a number of rows per second, by sleeping when it runs ahead. */
final class Throttle {

    private final long rowsPerSecond;
    private final Clock clock;
    private final Sleeper sleeper;
    private final long startNanos;
    private long rows;

    Throttle(long rowsPerSecond, Clock clock, Sleeper sleeper) {
        this.rowsPerSecond = rowsPerSecond;
        this.clock = clock;
        this.sleeper = sleeper;
        this.startNanos = nanos(clock);
    }

    /** Counts {@code n} rows and waits until the rate allows them. */
    void account(long n) throws InterruptedException {
        rows += n;
        if (rowsPerSecond <= 0) {
            return;
        }
        long due = startNanos + rows * 1_000_000_000L / rowsPerSecond;
        long ahead = due - nanos(clock);
        if (ahead > 0) {
            sleeper.sleep(Duration.ofNanos(ahead));
        }
    }

    private static long nanos(Clock clock) {
        java.time.Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
