package io.github.dualwrite.spring;

import io.github.dualwrite.config.MigrationConfig;
import java.time.Duration;

/** How the secondary side is written ({@code dualwrite.secondary}); unset values take the document's defaults. */
public class SecondaryProperties {

    /** SYNC (statements repeated on the secondary side) or CHANGE_LOG (journaled by key, copied by the repairer). */
    private MigrationConfig.WriteMode mode;

    /** Query timeout of secondary statements (document default 2s). */
    private Duration timeout;

    /** Circuit breaker in front of the secondary side. */
    private final CircuitBreaker circuitBreaker = new CircuitBreaker();

    public MigrationConfig.WriteMode getMode() {
        return mode;
    }

    public void setMode(MigrationConfig.WriteMode mode) {
        this.mode = mode;
    }

    public Duration getTimeout() {
        return timeout;
    }

    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    public CircuitBreaker getCircuitBreaker() {
        return circuitBreaker;
    }

    /** resilience4j circuit breaker thresholds ({@code dualwrite.secondary.circuit-breaker}). */
    public static class CircuitBreaker {

        /** Failure rate in percent at which the breaker opens (default 50). */
        private Integer failureRateThreshold;

        /** Slow-call rate in percent at which the breaker opens (default 50). */
        private Integer slowCallRateThreshold;

        /** Calls slower than this count as slow (default 1s). */
        private Duration slowCallDuration;

        /** Calls in the sliding window (default 100). */
        private Integer slidingWindowSize;

        /** Calls needed before rates are computed (default 20). */
        private Integer minimumNumberOfCalls;

        /** Time the breaker stays open before trying again (default 30s). */
        private Duration waitInOpenState;

        /** Trial calls in the half-open state (default 10). */
        private Integer permittedCallsInHalfOpenState;

        public Integer getFailureRateThreshold() {
            return failureRateThreshold;
        }

        public void setFailureRateThreshold(Integer failureRateThreshold) {
            this.failureRateThreshold = failureRateThreshold;
        }

        public Integer getSlowCallRateThreshold() {
            return slowCallRateThreshold;
        }

        public void setSlowCallRateThreshold(Integer slowCallRateThreshold) {
            this.slowCallRateThreshold = slowCallRateThreshold;
        }

        public Duration getSlowCallDuration() {
            return slowCallDuration;
        }

        public void setSlowCallDuration(Duration slowCallDuration) {
            this.slowCallDuration = slowCallDuration;
        }

        public Integer getSlidingWindowSize() {
            return slidingWindowSize;
        }

        public void setSlidingWindowSize(Integer slidingWindowSize) {
            this.slidingWindowSize = slidingWindowSize;
        }

        public Integer getMinimumNumberOfCalls() {
            return minimumNumberOfCalls;
        }

        public void setMinimumNumberOfCalls(Integer minimumNumberOfCalls) {
            this.minimumNumberOfCalls = minimumNumberOfCalls;
        }

        public Duration getWaitInOpenState() {
            return waitInOpenState;
        }

        public void setWaitInOpenState(Duration waitInOpenState) {
            this.waitInOpenState = waitInOpenState;
        }

        public Integer getPermittedCallsInHalfOpenState() {
            return permittedCallsInHalfOpenState;
        }

        public void setPermittedCallsInHalfOpenState(Integer permittedCallsInHalfOpenState) {
            this.permittedCallsInHalfOpenState = permittedCallsInHalfOpenState;
        }
    }
}
