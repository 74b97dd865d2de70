package io.github.dualwrite.config;

/**
 * Shadow reads: in the stages that write both sides, a sampled share of reads also runs on the other side
 * and the results are compared.
 *
 * @param sampleRate share of reads sampled, 0.0 (off) to 1.0 (every read)
 */
public record ShadowReadConfig(double sampleRate) {

    /** Shadow reads switched off. */
    public static final ShadowReadConfig OFF = new ShadowReadConfig(0.0);

    /** Validates the rate. */
    public ShadowReadConfig {
        if (!(sampleRate >= 0.0 && sampleRate <= 1.0)) {
            throw new InvalidConfigException(java.util.List.of(new ConfigProblem("sample-rate",
                    sampleRate + " is out of range 0.0..1.0 (a share of reads: 0.01 = 1%)")));
        }
    }

    /** Whether any read is sampled. */
    public boolean enabled() {
        return sampleRate > 0.0;
    }
}
