/**
 * The {@code dualwrite} command line (picocli, shaded into {@code dualwrite-cli.jar}): preflight, backfill
 * (both directions, in parts), verify (full, keys, since, sample, buckets, in parts), repair, resolve,
 * status, explain, and the live switch every application instance shares: stage, ratio, publish, history.
 * Exit codes: 0 clean, 1 found and not fixed, 2 usage or environment error.
 */
package io.github.dualwrite.cli;
