/**
 * The journal of secondary writes that did not verifiably apply (guarantee G2):
 * {@link io.github.dualwrite.journal.JdbcJournal} (a table), {@link io.github.dualwrite.journal.FileJournal}
 * (an fsync'd file) and {@link io.github.dualwrite.journal.FallbackJournal} (the table, falling back to the
 * file, falling back to an ERROR log line that holds the whole entry).
 */
package io.github.dualwrite.journal;
