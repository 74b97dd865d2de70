package io.github.dualwrite;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * One physical batch execution. A batch that fails part-way may still have applied some rows (the driver
 * says which in {@link BatchUpdateException#getUpdateCounts()}); those rows must still reach the other side
 * before the failure is passed on, or they would be lost there without a trace.
 */
final class BatchRun {

    /** Adds the rows to the physical batch. */
    @FunctionalInterface
    interface Fill {
        void fill() throws SQLException;
    }

    private final long[] counts;
    private final BatchUpdateException failure;

    private BatchRun(long[] counts, BatchUpdateException failure) {
        this.counts = counts;
        this.failure = failure;
    }

    /** Runs plain SQL texts as one batch (see {@link #of(Statement, Fill)}). */
    static BatchRun of(Statement s, List<String> sqls) throws SQLException {
        return of(s, () -> {
            for (String sql : sqls) {
                s.addBatch(sql);
            }
        });
    }

    /** Fills and runs the batch; a partial failure is kept, anything else thrown. The batch is empty afterwards. */
    static BatchRun of(Statement s, Fill fill) throws SQLException {
        try {
            fill.fill();
            return new BatchRun(DualWriteStatement.toLongs(s.executeBatch()), null);
        } catch (BatchUpdateException e) {
            int[] applied = e.getUpdateCounts() == null ? new int[0] : e.getUpdateCounts();
            return new BatchRun(DualWriteStatement.toLongs(applied), e);
        } catch (SQLException | RuntimeException e) {
            try {
                s.clearBatch();
            } catch (SQLException | RuntimeException ignored) {
                e.addSuppressed(ignored);
            }
            throw e;
        }
    }

    /** Counts per row; rows after a failure that stopped the driver are missing. */
    long[] counts() {
        return counts;
    }

    /** The counts, or the failure when there was one (for secondaries, whose failures are journaled). */
    long[] countsOrThrow() throws SQLException {
        rethrow();
        return counts;
    }

    /** Throws the batch's failure, if any. */
    void rethrow() throws SQLException {
        if (failure != null) {
            throw failure;
        }
    }
}
