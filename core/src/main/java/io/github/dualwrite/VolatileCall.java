package io.github.dualwrite;

/**
 * A call of a function whose value differs from one evaluation to the next ({@code NOW()},
 * {@code CURRENT_TIMESTAMP(3)}, {@code UUID()}, {@code RAND()}, ...): run on two databases, it would leave
 * different rows. The engine evaluates it once on the authority and binds the value on both sides.
 *
 * @param text   the call as written ({@code CURRENT_TIMESTAMP(3)})
 * @param start  index of its first character in the SQL
 * @param end    index after its last character
 * @param perRow whether each evaluation differs even within one statement ({@code UUID()}, {@code RAND()}),
 *               as opposed to statement-level time functions that MySQL evaluates once per statement
 */
record VolatileCall(String text, int start, int end, boolean perRow) {
}
