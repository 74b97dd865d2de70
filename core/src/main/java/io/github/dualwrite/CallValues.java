package io.github.dualwrite;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.util.ArrayList;
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
     * A value as it can be bound on either side. Temporal values are read as {@code java.time} objects of the
     * column's own type: never through the JVM's time zone, and never as text (MariaDB Connector/J 3.5 renders
     * {@code 09:19:27.053} as {@code 09:19:27.53000}, which would bind a time 0.477 s off on both sides).
     */
    static Object value(ResultSet rs, int column) throws SQLException {
        return switch (rs.getMetaData().getColumnType(column)) {
            case Types.TIMESTAMP -> rs.getObject(column, LocalDateTime.class);
            case Types.TIMESTAMP_WITH_TIMEZONE -> rs.getObject(column, OffsetDateTime.class);
            case Types.DATE -> rs.getObject(column, LocalDate.class);
            case Types.TIME -> rs.getObject(column, LocalTime.class);
            case Types.TIME_WITH_TIMEZONE -> rs.getObject(column, OffsetTime.class);
            default -> rs.getObject(column);
        };
    }
}
