/**
 * Making both sides converge: {@link io.github.dualwrite.sync.RowSync} (the one repair primitive),
 * {@link io.github.dualwrite.sync.Repairer} (drains the journal with leases),
 * {@link io.github.dualwrite.sync.Verifier} (compares and repairs),
 * {@link io.github.dualwrite.sync.Backfill} (copies existing rows, never overwriting newer ones) and
 * {@link io.github.dualwrite.sync.Preflight} (checks the set-up before DUAL_WRITE).
 */
package io.github.dualwrite.sync;
