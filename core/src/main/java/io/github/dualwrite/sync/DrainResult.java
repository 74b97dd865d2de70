package io.github.dualwrite.sync;

import java.time.Duration;

/**
 * What {@link Repairer#drain} did.
 *
 * @param run       the entries it handled, summed over its passes
 * @param pending   entries still pending when it returned (0 when drained)
 * @param dead      entries given up on, in the journal when it returned: a person must look at them
 * @param conflicts entries in conflict, in the journal when it returned: a person must decide
 * @param took      how long it ran
 */
public record DrainResult(RepairRun run, long pending, long dead, long conflicts, Duration took) {

    /** Whether nothing is left to repair: no pending, dead or conflicting entry. */
    public boolean drained() {
        return pending == 0 && dead == 0 && conflicts == 0;
    }

    @Override
    public String toString() {
        return "DRAIN repaired=" + run.repaired() + " failed=" + run.failed() + " dead=" + dead + " conflicts=" + conflicts
                + " pending=" + pending + " took_ms=" + took.toMillis();
    }
}
