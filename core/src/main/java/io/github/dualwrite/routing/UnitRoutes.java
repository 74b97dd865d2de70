package io.github.dualwrite.routing;

import io.github.dualwrite.config.RoutingKey;
import io.github.dualwrite.config.UnitConfig;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One unit's gray rule compiled for speed: numeric lists as sorted arrays (no boxing on lookup) and the
 * four possible routes built once.
 */
final class UnitRoutes {

    private final UnitConfig unit;
    private final boolean hasGray;
    private final int ratio;
    private final long[] whiteNumbers;
    private final long[] blackNumbers;
    private final Set<String> whiteTexts;
    private final Set<String> blackTexts;
    private final double sampleRate;
    private final Router.Route base;
    private final Router.Route baseShadow;
    private final Router.Route gray;
    private final Router.Route grayShadow;

    UnitRoutes(UnitConfig unit, long version) {
        this.unit = unit;
        UnitConfig.Gray g = unit.gray();
        this.hasGray = unit.hasGray();
        this.ratio = g.ratio();
        this.whiteNumbers = numbers(g.whitelist());
        this.blackNumbers = numbers(g.blacklist());
        this.whiteTexts = texts(g.whitelist());
        this.blackTexts = texts(g.blacklist());
        this.sampleRate = unit.shadowRead().sampleRate();
        this.base = new Router.Route(unit.name(), unit.stage(), false, false, version);
        this.baseShadow = new Router.Route(unit.name(), unit.stage(), false, true, version);
        this.gray = new Router.Route(unit.name(), g.stage(), true, false, version);
        this.grayShadow = new Router.Route(unit.name(), g.stage(), true, true, version);
    }

    UnitConfig unit() {
        return unit;
    }

    Router.Route route(long key) {
        return pick(isGray(rule(key)));
    }

    Router.Route route(RoutingKey key) {
        return key.isIntegral() ? route(key.longValue()) : pick(isGray(rule(key.toString())));
    }

    /** The base-stage route, for statements that carry no key. */
    Router.Route unkeyed() {
        return pick(false);
    }

    /** The route without shadow sampling, for explaining. */
    Router.Route unsampled(boolean isGray) {
        return isGray ? gray : base;
    }

    boolean hasGray() {
        return hasGray;
    }

    Router.GrayRule rule(long key) {
        if (!hasGray) {
            return Router.GrayRule.NO_GRAY;
        }
        if (whiteNumbers.length > 0 && Arrays.binarySearch(whiteNumbers, key) >= 0) {
            return Router.GrayRule.WHITELIST;
        }
        if (blackNumbers.length > 0 && Arrays.binarySearch(blackNumbers, key) >= 0) {
            return Router.GrayRule.BLACKLIST;
        }
        return RoutingKey.bucket(key) < ratio ? Router.GrayRule.RATIO_IN : Router.GrayRule.RATIO_OUT;
    }

    Router.GrayRule rule(String key) {
        if (!hasGray) {
            return Router.GrayRule.NO_GRAY;
        }
        if (whiteTexts.contains(key)) {
            return Router.GrayRule.WHITELIST;
        }
        if (blackTexts.contains(key)) {
            return Router.GrayRule.BLACKLIST;
        }
        return RoutingKey.bucket(key) < ratio ? Router.GrayRule.RATIO_IN : Router.GrayRule.RATIO_OUT;
    }

    static boolean isGray(Router.GrayRule rule) {
        return rule == Router.GrayRule.WHITELIST || rule == Router.GrayRule.RATIO_IN;
    }

    private Router.Route pick(boolean isGray) {
        Router.Route r = isGray ? gray : base;
        if (sampleRate > 0 && r.writesBoth() && ThreadLocalRandom.current().nextDouble() < sampleRate) {
            return isGray ? grayShadow : baseShadow;
        }
        return r;
    }

    private static long[] numbers(Set<RoutingKey> keys) {
        return keys.stream().filter(RoutingKey::isIntegral).mapToLong(RoutingKey::longValue).sorted().toArray();
    }

    private static Set<String> texts(Set<RoutingKey> keys) {
        Set<String> out = new HashSet<>();
        keys.stream().filter(k -> !k.isIntegral()).forEach(k -> out.add(k.toString()));
        return out;
    }
}
