package io.github.dualwrite.config;

import java.time.Duration;

/**
 * Thresholds of the circuit breaker in front of the secondary side. Set explicitly because a library's
 * generic defaults do not fit a database that must never slow the business down.
 *
 * @param failureRateThreshold         percent of failed calls (1..100) that opens the breaker
 * @param slowCallRateThreshold        percent of slow calls (1..100) that opens the breaker
 * @param slowCallDuration             a call slower than this counts as slow
 * @param slidingWindowSize            number of recent calls the rates are computed over
 * @param minimumNumberOfCalls         calls needed in the window before the rates are trusted
 * @param waitInOpenState              how long the breaker stays open before probing again
 * @param permittedCallsInHalfOpenState probe calls let through while half-open
 */
public record CircuitBreakerSettings(int failureRateThreshold, int slowCallRateThreshold, Duration slowCallDuration,
                                     int slidingWindowSize, int minimumNumberOfCalls, Duration waitInOpenState,
                                     int permittedCallsInHalfOpenState) {

    /** 50% failures or 50% calls slower than 1 s over the last 100 calls (at least 20) open it for 30 s. */
    public static final CircuitBreakerSettings DEFAULTS =
            new CircuitBreakerSettings(50, 50, Duration.ofSeconds(1), 100, 20, Duration.ofSeconds(30), 10);

    /** Validates every value. */
    public CircuitBreakerSettings {
        Problems p = new Problems();
        percent(p, "failure-rate-threshold", failureRateThreshold);
        percent(p, "slow-call-rate-threshold", slowCallRateThreshold);
        Durations.checkPositive(p, "slow-call-duration", slowCallDuration);
        p.check(slidingWindowSize >= 1 && slidingWindowSize <= 100_000, "sliding-window-size",
                slidingWindowSize + " is out of range 1..100000 calls");
        p.check(minimumNumberOfCalls >= 1 && minimumNumberOfCalls <= 100_000, "minimum-number-of-calls",
                minimumNumberOfCalls + " is out of range 1..100000 calls");
        Durations.checkPositive(p, "wait-in-open-state", waitInOpenState);
        p.check(permittedCallsInHalfOpenState >= 1 && permittedCallsInHalfOpenState <= 1000,
                "permitted-calls-in-half-open-state", permittedCallsInHalfOpenState + " is out of range 1..1000 calls");
        p.throwIfAny();
    }

    private static void percent(Problems p, String path, int value) {
        p.check(value >= 1 && value <= 100, path, value + " is out of range 1..100 (percent)");
    }
}
