/** The {@code dualwrite} command line: preflight, backfill, verify, repair, status and explain (picocli). */
package io.github.dualwrite.cli;
