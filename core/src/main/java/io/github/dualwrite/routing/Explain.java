package io.github.dualwrite.routing;

import io.github.dualwrite.config.RoutingKey;
import io.github.dualwrite.config.Stage;

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
                      int ratio, Route route, long configVersion) {

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
