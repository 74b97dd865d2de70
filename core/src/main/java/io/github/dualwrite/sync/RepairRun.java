package io.github.dualwrite.sync;

/**
 * What one {@link Repairer#runOnce()} did.
 *
 * @param claimed   entries leased
 * @param repaired  entries repaired
 * @param failed    attempts that failed and will be retried
 * @param dead      entries given up on
 * @param conflicts entries parked as CONFLICT for a person to decide
 */
public record RepairRun(int claimed, int repaired, int failed, int dead, int conflicts) {

    /** Nothing done. */
    public static final RepairRun NONE = new RepairRun(0, 0, 0, 0, 0);

    /** A run without conflicts. */
    public RepairRun(int claimed, int repaired, int failed, int dead) {
        this(claimed, repaired, failed, dead, 0);
    }

    RepairRun plus(RepairRun o) {
        return new RepairRun(claimed + o.claimed, repaired + o.repaired, failed + o.failed, dead + o.dead,
                conflicts + o.conflicts);
    }
}
