package io.github.dualwrite;

/**
 * Counters of a dual-write DataSource since it was built.
 *
 * @param readsOld            reads served by the old side
 * @param readsNew            reads served by the new side
 * @param writes              writes run (each counted once, whatever the number of sides)
 * @param passThrough         executions that needed no routing (every user of their units on one side)
 * @param secondaryWrites     secondary writes that ran without error
 * @param secondaryFailures   secondary writes or commits that failed (journaled)
 * @param rowCountMismatches  secondary writes whose row count differed or could not be checked (journaled)
 * @param breakerRejections   secondary writes skipped because the circuit breaker was open (journaled)
 * @param journaled           journal entries written
 * @param journalLost         journal entries that could not be stored anywhere (logged in full at ERROR)
 * @param unkeyed             writes to migrated tables without routing key
 * @param rejected            statements refused with an SQLException
 * @param secondaryTimeouts   secondary calls the caller stopped waiting for at the deadline (counted in failures too)
 * @param shadowReads         sampled reads compared with the other side
 * @param shadowMismatches    shadow reads whose rows still differed after the re-check
 * @param secondaryStuck      secondary calls past their deadline that have not returned yet (now, not a total)
 * @param asyncQueued         ASYNC secondary writes (or transactions) queued or running now
 * @param asyncDropped        ASYNC secondary writes journaled because a lane's queue was full or closed
 * @param outagesOpen         outage entries this process holds open now (a breaker made writes skip)
 * @param journalBuffered     journal entries of skipped writes waiting for their batch now (covered by an outage entry)
 */
public record DualWriteStats(long readsOld, long readsNew, long writes, long passThrough, long secondaryWrites,
                             long secondaryFailures, long rowCountMismatches, long breakerRejections, long journaled,
                             long journalLost, long unkeyed, long rejected, long secondaryTimeouts,
                             long shadowReads, long shadowMismatches, long secondaryStuck, long asyncQueued,
                             long asyncDropped, long outagesOpen, long journalBuffered) {
}
