package io.github.dualwrite.routing;

/** Which rule decided whether a user is gray, in the order they are tried. */
public enum GrayRule {
    /** The unit has no gray part (gray stage equals base stage, or ratio 0 and empty whitelist). */
    NO_GRAY,
    /** The user is on the whitelist: always gray. */
    WHITELIST,
    /** The user is on the blacklist: never gray. */
    BLACKLIST,
    /** The user's bucket is below the ratio: gray. */
    RATIO_IN,
    /** The user's bucket is at or above the ratio: not gray. */
    RATIO_OUT
}
