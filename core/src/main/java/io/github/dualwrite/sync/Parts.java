package io.github.dualwrite.sync;

import java.sql.SQLException;
import java.util.List;

/**
 * Disjoint parts of a table's key range for jobs that separate processes share ({@code --part i/n}): the
 * first process to start stores the range {@code (lo, hi]} under a plan name in the checkpoints, every other
 * reads it, so they all cut the same spans whatever rows arrived in between.
 */
final class Parts {

    private Parts() {
    }

    /**
     * Part {@code index} (1-based) of {@code count} of the stored range, as {@code {lo, hi}} ({@code lo}
     * exclusive, {@code hi} inclusive); {@code lo, hi} is stored when no process stored a range yet.
     */
    static long[] range(Checkpoints checkpoints, String plan, long lo, long hi, int index, int count)
            throws SQLException {
        if (checkpoints == null) {
            throw new IllegalStateException("a job in parts needs checkpoints: the parts share their key range there");
        }
        String[] ends = checkpoints.claim(plan, lo + "," + hi).split(",");
        long from = Long.parseLong(ends[0]);
        long to = Long.parseLong(ends[1]);
        long span = Math.max(1, (to - from + count - 1) / count);
        long start = Math.min(to, from + (index - 1) * span);
        return new long[] {start, Math.min(to, start + span)};
    }

    /** The leading rows (key first, in key order) whose whole-number key is at most {@code upper}; all when null. */
    static List<Object[]> upTo(List<Object[]> rows, Long upper) {
        if (upper == null) {
            return rows;
        }
        int n = 0;
        while (n < rows.size() && rows.get(n)[0] instanceof Number k && k.longValue() <= upper) {
            n++;
        }
        return n == rows.size() ? rows : rows.subList(0, n);
    }
}
