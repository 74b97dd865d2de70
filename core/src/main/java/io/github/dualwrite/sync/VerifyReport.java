package io.github.dualwrite.sync;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What a verification found.
 *
 * @param unit          the unit verified
 * @param rows          rows compared
 * @param missing       rows on the old side only (after rechecks)
 * @param extra         rows on the new side only, or duplicated there (after rechecks)
 * @param different     rows whose values differ (after rechecks)
 * @param rechecked     candidates re-read after the recheck delay (in-flight writes clear themselves there)
 * @param repaired      differences fixed through RowSync ({@code --repair})
 * @param elapsed       time taken
 * @param differences   the first differences found (at most {@link Verifier#KEPT_DIFFERENCES})
 */
public record VerifyReport(String unit, long rows, long missing, long extra, long different, long rechecked,
                           long repaired, Duration elapsed, List<Difference> differences) {

    /** Copies the list. */
    public VerifyReport {
        differences = List.copyOf(differences);
    }

    /** Whether both sides are equal (no difference remained after rechecks). */
    public boolean equal() {
        return missing + extra + different == 0;
    }

    /** Rows compared per second. */
    public long rowsPerSecond() {
        long ms = Math.max(1, elapsed.toMillis());
        return rows * 1000 / ms;
    }

    /** The machine-readable summary line the CLI prints last. */
    public String line() {
        return String.format(Locale.ROOT, "VERIFY unit=%s rows=%d missing=%d extra=%d different=%d rechecked=%d rows_per_s=%d",
                unit, rows, missing, extra, different, rechecked, rowsPerSecond());
    }

    @Override
    public String toString() {
        return line() + (repaired > 0 ? " repaired=" + repaired : "");
    }
}
