package io.github.dualwrite.routing;

import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.config.RoutingKey;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.Stage;
import java.util.Objects;

/**
 * Decides, per unit and routing key, where statements go under the document in force.
 *
 * <p>A user is gray when whitelisted, or not blacklisted and {@code bucket(key) < gray.ratio}; gray users
 * are in the unit's gray stage, the others in its base stage. Buckets are sticky: see
 * {@link io.github.dualwrite.config.RoutingKey}. Thread-safe and allocation-free for integral keys.
 */
public final class Router {

    private final MigrationControl control;
    private volatile RoutingTable table;

    /** A router that follows every document {@code control} accepts. */
    public Router(MigrationControl control) {
        this.control = Objects.requireNonNull(control, "control");
        this.table = RoutingTable.of(control.current());
    }

    /** The routes of the document in force; pin it to keep routing consistently across statements. */
    public RoutingTable table() {
        RoutingTable t = table;
        MigrationControl.Snapshot s = control.current();
        if (t.snapshot() != s) {
            t = RoutingTable.of(s);
            table = t;
        }
        return t;
    }

    /** Routes an integral key under the document in force. */
    public Route route(String unit, long key) {
        return table().route(unit, key);
    }

    /** Routes any key under the document in force. */
    public Route route(String unit, Object key) {
        return table().route(unit, key);
    }

    /** The decision for {@code key} under the document in force, with its reasons. */
    public Explain explain(String unit, Object key) {
        return table().explain(unit, key);
    }

    /**
     * Where one user's statements go under one document: which side is written first and trusted, which side
     * (if any) is written after it, which side serves reads, and whether this read is sampled for a shadow
     * comparison. Immutable; the router hands out shared instances, so routing allocates nothing.
     */
    public static final class Route {

        private final String unit;
        private final Stage stage;
        private final boolean gray;
        private final boolean shadowSampled;
        private final long configVersion;

        Route(String unit, Stage stage, boolean gray, boolean shadowSampled, long configVersion) {
            this.unit = unit;
            this.stage = stage;
            this.gray = gray;
            this.shadowSampled = shadowSampled && stage.writesBoth();
            this.configVersion = configVersion;
        }

        /** The migration unit. */
        public String unit() {
            return unit;
        }

        /** The stage this user is in (the gray stage for gray users). */
        public Stage stage() {
            return stage;
        }

        /** Whether the user is gray (whitelisted or within the ratio). */
        public boolean gray() {
            return gray;
        }

        /** The side written first and trusted. */
        public Side authority() {
            return stage.authority();
        }

        /** The side written after the authority, or null when only one side is written. */
        public Side secondary() {
            return stage.secondary();
        }

        /** Whether writes go to both sides. */
        public boolean writesBoth() {
            return stage.writesBoth();
        }

        /** The side reads are served from. */
        public Side readSide() {
            return stage.readSide();
        }

        /** Whether this read is sampled to be run on {@link #shadowSide()} too and compared. */
        public boolean shadowSampled() {
            return shadowSampled;
        }

        /** The side shadow reads are compared against, or null in single-side stages. */
        public Side shadowSide() {
            return stage.shadowSide();
        }

        /** The version of the document this route was decided under. */
        public long configVersion() {
            return configVersion;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(unit).append(": ").append(stage).append(gray ? " (gray)" : "")
                    .append(", writes ").append(authority().name().toLowerCase(java.util.Locale.ROOT));
            if (writesBoth()) {
                sb.append(" -> ").append(secondary().name().toLowerCase(java.util.Locale.ROOT));
            }
            sb.append(", reads ").append(readSide().name().toLowerCase(java.util.Locale.ROOT));
            if (shadowSampled) {
                sb.append(" + shadow ").append(shadowSide().name().toLowerCase(java.util.Locale.ROOT));
            }
            return sb.append(", config v").append(configVersion).toString();
        }
    }

    /**
     * Why a user is routed the way it is: the decision with every input that led to it.
     *
     * @param unit          the migration unit
     * @param key           the normalised routing key
     * @param bucket        the key's bucket, 0..9999
     * @param rule          the rule that decided gray or not
     * @param baseStage     the unit's base stage
     * @param grayStage     the unit's gray stage
     * @param ratio         the gray ratio in basis points
     * @param route         the resulting route (never shadow-sampled: explaining does not sample)
     * @param configVersion the version of the document that decided
     */
    public record Explain(String unit, RoutingKey key, int bucket, GrayRule rule, Stage baseStage, Stage grayStage,
                          int ratio, Router.Route route, long configVersion) {

        /** One readable paragraph, e.g. for an admin endpoint or the CLI's {@code explain}. */
        @Override
        public String toString() {
            String why = switch (rule) {
                case NO_GRAY -> "the unit has no gray users";
                case WHITELIST -> "key " + key + " is whitelisted";
                case BLACKLIST -> "key " + key + " is blacklisted";
                case RATIO_IN -> "bucket " + bucket + " < ratio " + ratio + " (" + percent(ratio) + ")";
                case RATIO_OUT -> "bucket " + bucket + " >= ratio " + ratio + " (" + percent(ratio) + ")";
            };
            boolean gray = route.gray();
            return "unit " + unit + ", key " + key + " (bucket " + bucket + "): " + why + ", so "
                    + (gray ? "gray -> " + grayStage : "not gray -> base stage " + baseStage) + "; "
                    + route;
        }

        private static String percent(int ratio) {
            return String.format(java.util.Locale.ROOT, "%.2f%%", ratio / 100.0);
        }
    }

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
}
