package io.github.dualwrite.examples.walkthrough;

import io.github.dualwrite.DualWriteDataSource;
import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.sync.Backfill;
import io.github.dualwrite.sync.Preflight;
import io.github.dualwrite.sync.Repairer;
import io.github.dualwrite.sync.RowSync;
import io.github.dualwrite.sync.Verifier;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.Map;

/**
 * The second half of the migration: copy what the old database had before dual write, prove both sides
 * equal, repair what differs, then cut over stage by stage to NEW_ONLY.
 */
final class ConvergenceSteps {

    static final int HISTORY_ROWS = 2_000;

    private final PrintStream out;
    private final MigrationControl control;
    private final Databases db;
    private final DualWriteDataSource ds;
    private final RowSync rowSync;

    ConvergenceSteps(PrintStream out, MigrationControl control, Databases db, DualWriteDataSource ds) {
        this.out = out;
        this.control = control;
        this.db = db;
        this.ds = ds;
        this.rowSync = ds.rowSync();
    }

    void run() throws Exception {
        out.println("the old database's history from before dual write: " + HISTORY_ROWS + " points_detail rows");
        history();

        out.println("preflight (schema, keys, sharding column, key generators, id sequences):");
        Preflight.Report preflight = Preflight.builder(db.old, db.sharded, control.current().config())
                .shardingYaml(Databases.newDatabaseYaml()).shards(Map.of("ds_0", db.shards[0], "ds_1", db.shards[1]))
                .build().run("points");
        preflight.checks().forEach(c -> out.println("  " + c));
        out.println("  preflight " + (preflight.passed() ? "passed" : "FAILED: " + preflight.failures().size() + " failures"));

        out.println("repair drains the journal (the update user 120 lost on the new side):");
        try (Repairer repairer = Repairer.builder(ds.journal(), rowSync).owner("walkthrough").build()) {
            out.println("  " + repairer.runOnce());
        }

        out.println("verify before the backfill:");
        out.println("  " + verifier(false).full("points").line().replaceAll(" rows_per_s=\\d+", ""));

        out.println("backfill, old -> new, 2 threads, chunks of 500 (inserts missing rows, never overwrites newer ones):");
        out.println("  " + Backfill.builder(rowSync, control).threads(2).chunkSize(500).build().run("points").line()
                .replaceAll(" rows_per_s=\\d+", ""));

        out.println("a row changed on the new side behind everybody's back, found and repaired:");
        try (Connection c = db.sharded.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE points_detail SET amount = amount + 1 WHERE id = 1000");
        }
        Verifier.Report repaired = verifier(true).full("points");
        out.println("  " + repaired.line().replaceAll(" rows_per_s=\\d+", "") + ", repaired " + repaired.repaired()
                + ": " + repaired.differences());
        Verifier.Report clean = verifier(false).full("points");
        out.println("  " + clean.line().replaceAll(" rows_per_s=\\d+", ""));

        out.println("cut over, one legal step at a time, draining the journal before each move:");
        drain();
        move("READ_NEW", "ops: everyone reads the new database");
        drain();
        move("NEW_PRIMARY", "ops: the new database becomes the authority");
        write(7L, 5);
        out.println("  " + ds.explain("UPDATE points_account SET balance = balance + ? WHERE user_id = ?", 5, 7L));
        out.println("  " + verifier(false).full("points").line().replaceAll(" rows_per_s=\\d+", ""));
        move("NEW_ONLY", "ops: the old database is retired");
        write(7L, 5);
        out.println("  " + ds.explain("UPDATE points_account SET balance = balance + ? WHERE user_id = ?", 5, 7L));
        out.println("leaving NEW_ONLY backwards would lose the writes the old side never saw:");
        move("NEW_PRIMARY", "ops: cold feet");
        out.println("  " + ds.stats());
    }

    private void drain() {
        try (Repairer repairer = Repairer.builder(ds.journal(), rowSync).owner("walkthrough").build()) {
            out.println("  " + repairer.drain(Duration.ofMinutes(1)).toString().replaceAll(" took_ms=\\d+", ""));
        }
    }

    private void history() throws SQLException {
        try (Connection c = db.old.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO points_detail (user_id, amount, note, gmt_modified) VALUES (?, ?, ?, ?)")) {
            Timestamp t = Timestamp.valueOf("2026-01-01 00:00:00");
            for (int i = 1; i <= HISTORY_ROWS; i++) {
                ps.setLong(1, 1 + i % 500);
                ps.setLong(2, i % 97);
                ps.setString(3, "history " + i);
                ps.setTimestamp(4, t);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private Verifier verifier(boolean repair) {
        return Verifier.builder(rowSync, control).recheck(1, Duration.ZERO).repair(repair).build();
    }

    private void write(long user, long points) throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE points_account SET balance = balance + ? WHERE user_id = ?")) {
            ps.setLong(1, points);
            ps.setLong(2, user);
            ps.executeUpdate();
        }
    }

    private void move(String stage, String source) {
        MigrationControl.ApplyResult r = control.apply(Documents.document(stage, stage, 0), MigrationConfig.Format.YAML, source);
        out.println("  " + r.outcome() + " v" + r.current().version() + " " + stage
                + (r.problems().isEmpty() ? "" : ": " + r.problems()));
    }
}
