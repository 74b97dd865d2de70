package io.github.dualwrite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Secondary writes detached from the application's statements ({@link SecondaryWork.Replay}): the SQL the
 * secondary runs and copies of the values bound to it, run later on a connection of their own (ASYNC mode).
 * Everything here is copied when the replay is made, so the application may reuse its statement at once.
 */
final class Replays {

    private Replays() {
    }

    /**
     * Rows of a prepared statement: {@code sql} (a rewrite's when {@code rewrite} is not null) bound per row
     * with the row's values, ids and call values; one row runs as a statement, more as one batch.
     */
    static SecondaryWork.Replay prepared(String sql, List<Params> rows, Rewrite rewrite, List<List<Object>> ids,
                                         List<Object[]> calls, boolean batch) {
        List<Params> copies = rows.stream().map(p -> p == null ? null : p.snapshot()).toList();
        List<List<Object>> idCopies = ids == null ? null : ids.stream().map(i -> i == null ? null : List.copyOf(i)).toList();
        List<Object[]> callCopies = calls == null ? null : calls.stream().map(c -> c == null ? null : c.clone()).toList();
        String text = rewrite != null ? rewrite.sql() : sql;
        return (c, timeout) -> {
            try (PreparedStatement ps = c.prepareStatement(text)) {
                ps.setQueryTimeout(timeout);
                for (int i = 0; i < copies.size(); i++) {
                    List<Object> rowIds = idCopies == null ? null : idCopies.get(i);
                    Object[] rowCalls = callCopies == null ? null : callCopies.get(i);
                    if (rewrite != null) {
                        rewrite.bind(ps, copies.get(i), rowIds, rowCalls);
                    } else {
                        copies.get(i).bindAll(ps);
                    }
                    if (!batch) {
                        return new long[] {ps.executeUpdate()};
                    }
                    ps.addBatch();
                }
                return DualWriteStatement.toLongs(ps.executeBatch());
            }
        };
    }

    /** Plain SQL texts: one runs as a statement, more as one batch. */
    static SecondaryWork.Replay plain(List<String> sqls, boolean batch) {
        List<String> copy = List.copyOf(sqls);
        return (c, timeout) -> {
            try (Statement s = c.createStatement()) {
                s.setQueryTimeout(timeout);
                if (!batch) {
                    return new long[] {s.executeUpdate(copy.get(0))};
                }
                for (String sql : copy) {
                    s.addBatch(sql);
                }
                return DualWriteStatement.toLongs(s.executeBatch());
            }
        };
    }

    /** Runs the works of one unit of ASYNC work on {@code c}: several in one transaction, committed at the end. */
    static void runAll(Connection c, List<SecondaryWork> works, int timeoutSeconds) throws SQLException {
        boolean tx = works.size() > 1;
        if (tx) {
            c.setAutoCommit(false);
        }
        for (SecondaryWork w : works) {
            w.runOn(c, timeoutSeconds);
        }
        if (tx) {
            c.commit();
        }
    }
}
