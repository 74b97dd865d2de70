package io.github.dualwrite.sync;

import java.time.Duration;

/** Told how a long job advances; the CLI draws a bar from it. Called from the job's thread. */
@FunctionalInterface
public interface Progress {

    /** Does nothing. */
    Progress NONE = (job, done, total, rowsPerSecond, eta) -> { };

    /**
     * The job advanced.
     *
     * @param job           what runs ({@code verify points.points_detail})
     * @param done          rows processed so far
     * @param total         rows expected in all (an estimate; 0 when unknown)
     * @param rowsPerSecond the rate since the job started
     * @param eta           the estimated time left, null when unknown
     */
    void update(String job, long done, long total, double rowsPerSecond, Duration eta);
}
