package io.github.dualwrite.examples.points;

/** A user's points account (table {@code points_account}). */
public record Account(Long id, long userId, long balance) {
}
