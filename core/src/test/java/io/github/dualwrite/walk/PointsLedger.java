package io.github.dualwrite.walk;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The statements of a points-ledger transaction the load suites share: lock the account, move the balance. */
final class PointsLedger {

    private PointsLedger() {
    }

    /** Locks the user's account row on the authority ({@code FOR UPDATE}); the account must exist. */
    static void lockAccount(Connection c, long user) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT balance FROM points_account WHERE user_id = ? FOR UPDATE")) {
            ps.setLong(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("no account for user " + user + " on the authority");
                }
            }
        }
    }

    /**
     * One "earn" transaction on {@code c}: locks the account, inserts a detail row (id generated), moves the
     * balance, commits (rolls back on any failure). Returns the detail's id.
     */
    static long earn(Connection c, long user, long amount) throws SQLException {
        c.setAutoCommit(false);
        try {
            lockAccount(c, user);
            long id;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO points_detail (user_id, amount, note,"
                    + " gmt_modified) VALUES (?, ?, ?, CURRENT_TIMESTAMP(3))", java.sql.Statement.RETURN_GENERATED_KEYS)) {
                ps.setLong(1, user);
                ps.setLong(2, amount);
                ps.setString(3, "earn");
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    id = keys.getLong(1);
                }
            }
            changeBalance(c, user, amount);
            c.commit();
            return id;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        }
    }

    /** Adds {@code amount} to the user's balance; exactly one row must change. */
    static void changeBalance(Connection c, long user, long amount) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE points_account SET balance = balance + ?,"
                + " gmt_modified = CURRENT_TIMESTAMP(3) WHERE user_id = ?")) {
            ps.setLong(1, amount);
            ps.setLong(2, user);
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("the balance of user " + user + " did not change on the authority");
            }
        }
    }
}
