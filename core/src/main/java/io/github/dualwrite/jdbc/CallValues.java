package io.github.dualwrite.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * Evaluates a statement's non-deterministic calls once, on the authority (its clock, time zone and
 * precision), so that both sides bind the same values. One round trip however many rows a batch has.
 */
final class CallValues {

    private CallValues() {
    }

    /** The values of {@code rewrite}'s calls, {@code rows} times over (once per batch row), read on {@code c}. */
    static List<Object[]> evaluate(Connection c, Rewrite rewrite, int rows) throws SQLException {
        String one = rewrite.evaluation().substring("SELECT ".length());
        String sql = "SELECT " + String.join(", ", java.util.Collections.nCopies(rows, one));
        List<Object[]> out = new ArrayList<>(rows);
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new SQLException("dualwrite: " + sql + " returned no row", "HY000");
            }
            int column = 1;
            for (int r = 0; r < rows; r++) {
                Object[] values = new Object[rewrite.calls()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = value(rs, column++);
                }
                out.add(values);
            }
        }
        return out;
    }

    /**
     * A value as it can be bound on either side: temporal values as the database's own text, so that no
     * driver converts them through the JVM's time zone on the way back.
     */
    private static Object value(ResultSet rs, int column) throws SQLException {
        Object v = rs.getObject(column);
        return v instanceof Date || v instanceof Temporal ? rs.getString(column) : v;
    }
}
