package io.github.dualwrite;

/**
 * How one statement departs from the stage's routing, set per statement by an integration (the MyBatis
 * plugin's {@code @DualWriteControl}) through a {@link StatementHint}.
 */
public enum StatementControl {
    /** Routed by the stage and the routing key like every statement. */
    DEFAULT,
    /**
     * Runs on the old side only. A write is journaled for the new side (reason SKIPPED) so that the repairer
     * copies the rows; refused where the old side is not the authority (NEW_PRIMARY, NEW_ONLY), and a read is
     * refused in NEW_ONLY, where the old side is no longer kept up to date.
     */
    OLD_ONLY,
    /**
     * Writes run on the authority only and are journaled for the other side (reason SKIPPED), for statements
     * the secondary cannot run as written; the repairer copies the rows. Reads are unaffected.
     */
    SKIP_SECONDARY,
    /** Reads run on the authoritative side (read-your-writes for this statement); writes are unaffected. */
    AUTHORITATIVE_READ
}
