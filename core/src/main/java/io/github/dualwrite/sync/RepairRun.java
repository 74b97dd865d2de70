package io.github.dualwrite.sync;

/**
 * What one {@link Repairer#runOnce()} did.
 *
 * @param claimed  entries leased
 * @param repaired entries repaired
 * @param failed   attempts that failed and will be retried
 * @param dead     entries given up on
 */
public record RepairRun(int claimed, int repaired, int failed, int dead) {

    RepairRun plus(RepairRun o) {
        return new RepairRun(claimed + o.claimed, repaired + o.repaired, failed + o.failed, dead + o.dead);
    }
}
