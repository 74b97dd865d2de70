package io.github.dualwrite.sync;

import java.time.Duration;

/** How the tools wait (throttling, rechecks); injected so tests never sleep. */
@FunctionalInterface
public interface Sleeper {

    /** Sleeps with {@link Thread#sleep}. */
    Sleeper SYSTEM = d -> {
        if (!d.isNegative() && !d.isZero()) {
            Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));
        }
    };

    /** Waits for {@code duration}. */
    void sleep(Duration duration) throws InterruptedException;
}
