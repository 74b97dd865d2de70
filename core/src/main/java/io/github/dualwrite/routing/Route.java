package io.github.dualwrite.routing;

import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.Stage;

/**
 * Where one user's statements go under one document: which side is written first and trusted, which side
 * (if any) is written after it, which side serves reads, and whether this read is sampled for a shadow
 * comparison. Immutable; the router hands out shared instances, so routing allocates nothing.
 */
public final class Route {

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
