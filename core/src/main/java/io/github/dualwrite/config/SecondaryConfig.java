package io.github.dualwrite.config;

import java.time.Duration;

/**
 * How the secondary side of a dual write is run and protected.
 *
 * @param mode           SYNC (in the caller's thread) or ASYNC (bounded executor)
 * @param timeout        query timeout for secondary statements (JDBC rounds it up to whole seconds)
 * @param circuitBreaker the breaker that stops calling a sick secondary
 */
public record SecondaryConfig(WriteMode mode, Duration timeout, CircuitBreakerSettings circuitBreaker) {

    /** SYNC, 2 s timeout, default breaker. */
    public static final SecondaryConfig DEFAULTS =
            new SecondaryConfig(WriteMode.SYNC, Duration.ofSeconds(2), CircuitBreakerSettings.DEFAULTS);

    /** Validates every value. */
    public SecondaryConfig {
        Problems p = new Problems();
        p.check(mode != null, "mode", "is missing; give SYNC or ASYNC");
        Durations.checkPositive(p, "timeout", timeout);
        p.check(timeout == null || timeout.compareTo(Duration.ofMinutes(10)) <= 0, "timeout",
                Durations.format(timeout) + " is longer than 10m; a secondary write must never hold the caller that long");
        p.check(circuitBreaker != null, "circuit-breaker", "is missing");
        p.throwIfAny();
    }

    /** Returns a copy with another mode. */
    public SecondaryConfig withMode(WriteMode newMode) {
        return new SecondaryConfig(newMode, timeout, circuitBreaker);
    }

    /** Returns a copy with another timeout. */
    public SecondaryConfig withTimeout(Duration newTimeout) {
        return new SecondaryConfig(mode, newTimeout, circuitBreaker);
    }
}
