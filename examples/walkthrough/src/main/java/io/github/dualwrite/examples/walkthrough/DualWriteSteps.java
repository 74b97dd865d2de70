package io.github.dualwrite.examples.walkthrough;

import io.github.dualwrite.DualWriteDataSource;
import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.journal.JournalEntry;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** The part of the walkthrough that runs SQL through a {@link DualWriteDataSource}. */
final class DualWriteSteps {

    private static final long[] USERS = {10_001L, 42L, 7L, 120L, 480L, 3_333L, 9_999L};

    private final PrintStream out;
    private final MigrationControl control;
    private final Databases db;
    private final DualWriteDataSource ds;

    DualWriteSteps(PrintStream out, MigrationControl control, Databases db, DualWriteDataSource ds) {
        this.out = out;
        this.control = control;
        this.db = db;
        this.ds = ds;
    }

    /**
     * The application's DataSource: dual write over the two databases, journal table on the old one, ids from a
     * sequence on the new side's first database (it outlives the old one).
     */
    static DualWriteDataSource dataSource(MigrationControl control, Databases db, java.nio.file.Path journalDir) {
        return DualWriteDataSource.builder().oldDataSource(db.old).newDataSource(db.sharded).control(control)
                .sequence(io.github.dualwrite.ids.SegmentSequence.builder(db.shards[0]).build())
                .journalFile(journalDir.resolve("journal.jsonl")).build();
    }

    void run() throws Exception {
        {
            out.println("an account per sample user, written through dual write (config v" + control.current().version() + "):");
            try (Connection c = ds.getConnection();
                 PreparedStatement insert = c.prepareStatement("INSERT INTO points_account (user_id, balance) VALUES (?, ?)")) {
                for (long user : USERS) {
                    insert.setLong(1, user);
                    insert.setLong(2, 100);
                    insert.executeUpdate();
                }
            }
            out.println("  old database: " + count(db.old, "points_account") + " rows; new database: "
                    + count(db.sharded, "points_account") + " rows, the same ids on both sides (from the sequence): "
                    + ids(db.old).equals(ids(db.sharded)));
            for (int shard = 0; shard < 2; shard++) {
                StringBuilder tables = new StringBuilder();
                for (int t = 0; t < 4; t++) {
                    tables.append(" points_account_").append(t).append('=').append(count(db.shards[shard], "points_account_" + t));
                }
                out.println("  ds_" + shard + ":" + tables);
            }

            out.println("reads follow each user's stage:");
            for (long user : new long[] {42L, 3_333L}) {
                out.println("  " + ds.explain("SELECT balance FROM points_account WHERE user_id = ?", user));
            }

            out.println("a write the new side misses (the row was deleted there behind dual write's back):");
            try (Connection c = db.sharded.getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("DELETE FROM points_account WHERE user_id = 120");
            }
            try (Connection c = ds.getConnection();
                 PreparedStatement update = c.prepareStatement("UPDATE points_account SET balance = balance + 10 WHERE user_id = ?")) {
                update.setLong(1, 120);
                out.println("  the business call updated " + update.executeUpdate() + " row (the old side's answer)");
            }
            for (JournalEntry e : ds.journal().read(0, 10)) {
                out.println("  journaled: " + e.reason() + " for user " + e.routingKey() + " on " + e.table()
                        + ", " + e.failedSide() + " side behind: " + e.errorMessage());
            }
            out.println("  " + ds.stats());
        }
    }

    private static long count(DataSource ds, String table) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String ids(DataSource ds) throws SQLException {
        StringBuilder sb = new StringBuilder();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, user_id FROM points_account ORDER BY id")) {
            while (rs.next()) {
                sb.append(rs.getLong(1)).append(':').append(rs.getLong(2)).append(' ');
            }
        }
        return sb.toString();
    }
}
