package io.github.dualwrite.config;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The share of users that is one stage ahead of (or behind) the unit's base stage.
 *
 * <p>A user is gray when whitelisted, or when not blacklisted and {@code bucket(key) < ratio}.
 *
 * @param stage     the stage gray users are in; the base stage (no gray) or a stage adjacent to it
 * @param ratio     gray share in basis points of 10000 buckets: 0 = nobody, 1 = 0.01%, 10000 = everybody
 * @param whitelist users that are always gray
 * @param blacklist users that are never gray (unless also whitelisted)
 */
public record GrayConfig(Stage stage, int ratio, Set<RoutingKey> whitelist, Set<RoutingKey> blacklist) {

    /** Validates the ratio and copies the lists. */
    public GrayConfig {
        Problems problems = new Problems();
        problems.check(stage != null, "stage", "is missing; give one of " + java.util.Arrays.toString(Stage.values()));
        problems.check(ratio >= 0 && ratio <= RoutingKey.BUCKETS, "ratio",
                ratio + " is out of range 0..10000 (basis points: 1 = 0.01%, 100 = 1%, 10000 = everybody)");
        problems.throwIfAny();
        whitelist = copy(whitelist);
        blacklist = copy(blacklist);
    }

    /** No gray users: everybody is in {@code stage}. */
    public static GrayConfig none(Stage stage) {
        return new GrayConfig(stage, 0, Set.of(), Set.of());
    }

    /** Whether {@code key} is gray: whitelisted, or not blacklisted and in a bucket below the ratio. */
    public boolean includes(RoutingKey key) {
        if (whitelist.contains(key)) {
            return true;
        }
        return !blacklist.contains(key) && key.bucket() < ratio;
    }

    /** Whether some users can be in a different stage than the base one. */
    public boolean differsFrom(Stage base) {
        return stage != base && (ratio > 0 || !whitelist.isEmpty());
    }

    /** Returns a copy with the given ratio. */
    public GrayConfig withRatio(int newRatio) {
        return new GrayConfig(stage, newRatio, whitelist, blacklist);
    }

    /** Returns a copy with the given gray stage. */
    public GrayConfig withStage(Stage newStage) {
        return new GrayConfig(newStage, ratio, whitelist, blacklist);
    }

    /** Returns a copy with the given whitelist. */
    public GrayConfig withWhitelist(Collection<?> keys) {
        return new GrayConfig(stage, ratio, keys(keys), blacklist);
    }

    /** Returns a copy with the given blacklist. */
    public GrayConfig withBlacklist(Collection<?> keys) {
        return new GrayConfig(stage, ratio, whitelist, keys(keys));
    }

    private static Set<RoutingKey> keys(Collection<?> values) {
        Set<RoutingKey> keys = new LinkedHashSet<>();
        for (Object v : values) {
            keys.add(RoutingKey.of(v));
        }
        return keys;
    }

    private static Set<RoutingKey> copy(Set<RoutingKey> keys) {
        return keys == null || keys.isEmpty() ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(keys));
    }
}
