package io.github.dualwrite;

import io.github.dualwrite.config.Side;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operators must see a sick secondary without drowning in logs: secondary writes that failed or were skipped
 * are counted per unit and side, and summarised at WARN at most once per period, with the first error of
 * the period. The first failure after a quiet period is logged at once.
 */
final class FailureSummary {

    private static final Logger log = LoggerFactory.getLogger(FailureSummary.class);

    private final Clock clock;
    private final Duration period;
    private final java.util.function.Consumer<String> warn;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    FailureSummary(Clock clock, Duration period) {
        this(clock, period, log::warn);
    }

    FailureSummary(Clock clock, Duration period, java.util.function.Consumer<String> warn) {
        this.clock = clock;
        this.period = period;
        this.warn = warn;
    }

    /** Counts one secondary write of {@code unit} on {@code side} that did not run or failed. */
    void failed(String unit, Side side, String what) {
        Window w = windows.computeIfAbsent(unit + '/' + side, k -> new Window());
        String line = null;
        synchronized (w) {
            Instant now = clock.instant();
            if (w.count == 0) {
                w.first = what;
            }
            w.count++;
            if (w.loggedAt == null || !now.isBefore(w.loggedAt.plus(period))) {
                line = "dualwrite: " + w.count + " secondary write(s) of unit " + unit + " did not apply on " + side
                        + (w.loggedAt == null ? "" : " in the last " + Duration.between(w.loggedAt, now).toSeconds() + " s")
                        + " and were journaled for repair; first: " + w.first;
                w.loggedAt = now;
                w.count = 0;
            }
        }
        if (line != null) {
            warn.accept(line);
        }
    }

    /** One unit and side's counts since its last summary. */
    private static final class Window {
        long count;
        String first;
        Instant loggedAt;
    }
}
