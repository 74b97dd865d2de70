package io.github.dualwrite.sync;

import java.time.Duration;
import java.util.Locale;

/**
 * What a backfill did.
 *
 * @param unit     the unit copied
 * @param scanned  old rows read
 * @param inserted rows the new side was missing
 * @param updated  rows the new side had in an older version (by the version column)
 * @param skipped  rows the new side already had, equal or newer (never overwritten)
 * @param elapsed  time taken
 */
public record BackfillReport(String unit, long scanned, long inserted, long updated, long skipped, Duration elapsed) {

    /** Old rows read per second. */
    public long rowsPerSecond() {
        return scanned * 1000 / Math.max(1, elapsed.toMillis());
    }

    /** A summary line. */
    public String line() {
        return String.format(Locale.ROOT, "BACKFILL unit=%s scanned=%d inserted=%d updated=%d skipped=%d rows_per_s=%d",
                unit, scanned, inserted, updated, skipped, rowsPerSecond());
    }
}
