package io.github.dualwrite.sync;

import io.github.dualwrite.config.Side;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/** The verifier's reads of one side: rows as arrays in column order. */
final class SideReads {

    private final RowSync rowSync;

    SideReads(RowSync rowSync) {
        this.rowSync = rowSync;
    }

    /** Up to {@code limit} rows changed at or after {@code from}, in key order, after key {@code after} (null: from the start). */
    List<Object[]> changedSince(TableAccess access, Side side, int limit, Timestamp from, Object after)
            throws SQLException {
        return query(side, access.changedSince(side, limit, after != null), ps -> {
            ps.setTimestamp(1, from);
            if (after != null) {
                ps.setObject(2, after);
            }
        });
    }

    List<Object[]> byKey(TableAccess access, Side side, Object[] row) throws SQLException {
        return query(side, access.byPrimaryKey(side), ps -> {
            for (int i = 0; i < access.primaryKey.size(); i++) {
                ps.setObject(i + 1, row[i]);
            }
        });
    }

    /** Binds a query's parameters. */
    @FunctionalInterface
    interface Binding {
        void bind(PreparedStatement ps) throws SQLException;
    }

    List<Object[]> query(Side side, String sql, Binding binding) throws SQLException {
        try (Connection c = rowSync.dataSource(side).getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binding.bind(ps);
            List<Object[]> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                int width = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    Object[] row = new Object[width];
                    for (int i = 0; i < width; i++) {
                        row[i] = rs.getObject(i + 1);
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
    }
}
