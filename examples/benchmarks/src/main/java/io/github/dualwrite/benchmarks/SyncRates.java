package io.github.dualwrite.benchmarks;

import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.config.TableConfig;
import io.github.dualwrite.config.UnitConfig;
import io.github.dualwrite.sync.Backfill;
import io.github.dualwrite.sync.RowSync;
import io.github.dualwrite.sync.Verifier;
import io.github.dualwrite.testing.DbPair;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;

/**
 * Rows per second of verify and backfill on a points-detail-like table (id, user_id, amount, note,
 * gmt_modified): the old side one database, the new side 2 x 4 shards through ShardingSphere. A timed
 * harness, not JMH: each figure is one long run (tens of seconds), which JMH's iterations would not add to.
 * The new side is read through a ShardingSphere data source with {@code max-connections-size-per-query: 4}
 * (each shard's four tables streamed at once); the second H2 line shows ShardingSphere's default of 1, where
 * every shard result is first loaded into memory with a per-value dialect lookup.
 *
 * <pre>
 * RATE verify_h2 123456          rows/s, old H2 vs ShardingSphere over 2 H2 (both sides loaded)
 * RATE verify_h2_connection_strict 5678   the same with max-connections-size-per-query 1 (SS's default)
 * RATE backfill_mariadb 45678    rows/s, old MariaDB -> empty ShardingSphere over 2 MariaDB databases
 * RATE verify_mariadb 56789      rows/s, after that backfill
 * </pre>
 *
 * Arguments: {@code --rows N} (default 1000000), {@code --no-mariadb}, {@code --only-mariadb}.
 */
public final class SyncRates {

    private SyncRates() {
    }

    public static void main(String[] args) throws Exception {
        List<String> a = Arrays.asList(args);
        int rows = a.contains("--rows") ? Integer.parseInt(a.get(a.indexOf("--rows") + 1)) : 1_000_000;
        boolean mariadb = !a.contains("--no-mariadb");
        if (!a.contains("--only-mariadb")) {
            try (DbPair h2 = DbPair.h2("rates")) {
                load(h2.oldDataSource(), rows);
                load(h2.newDataSource(), rows);
                Verifier.Report v = verifier(h2.oldDataSource(), h2.streamingNewDataSource()).full("points");
                check(v.equal() && v.rows() == rows, "verify_h2 found differences: " + v);
                System.out.println("RATE verify_h2 " + v.rowsPerSecond() + "   (" + v.rows() + " rows in " + v.elapsed() + ")");
                Verifier.Report strict = verifier(h2.oldDataSource(), h2.newDataSource()).full("points");
                check(strict.equal() && strict.rows() == rows, "verify_h2_connection_strict found differences: " + strict);
                System.out.println("RATE verify_h2_connection_strict " + strict.rowsPerSecond() + "   (" + strict.rows()
                        + " rows in " + strict.elapsed() + ")");
            }
        }
        if (mariadb) {
            try (DbPair maria = DbPair.mariaDb("rates")) {
                load(maria.oldDataSource(), rows);
                RowSync sync = new RowSync(maria.oldDataSource(), maria.streamingNewDataSource(), control());
                Backfill.Report b = Backfill.builder(sync, control()).threads(2).chunkSize(5_000).build().run("points");
                check(b.inserted() == rows, "backfill_mariadb copied " + b.inserted() + " of " + rows);
                System.out.println("RATE backfill_mariadb " + b.rowsPerSecond() + "   (" + b.scanned() + " rows in "
                        + b.elapsed() + ")");
                Verifier.Report v = verifier(maria.oldDataSource(), maria.streamingNewDataSource()).full("points");
                check(v.equal() && v.rows() == rows, "verify_mariadb found differences: " + v);
                System.out.println("RATE verify_mariadb " + v.rowsPerSecond() + "   (" + v.rows() + " rows in "
                        + v.elapsed() + ")");
            }
        }
    }

    private static MigrationControl control() {
        UnitConfig points = UnitConfig.builder("points")
                .table(TableConfig.of("points_detail").withVersionColumn("gmt_modified"))
                .stage(Stage.DUAL_WRITE).build();
        return MigrationControl.start(MigrationConfig.builder().unit(points).build(), "rates");
    }

    private static Verifier verifier(DataSource oldSide, DataSource newSide) {
        RowSync sync = new RowSync(oldSide, newSide, control());
        return Verifier.builder(sync, control()).chunkSize(5_000).targetChunkTime(Duration.ofMillis(500))
                .recheck(1, Duration.ZERO).build();
    }

    /** Loads {@code rows} detail rows of 100,000 users with multi-row INSERTs of 1000 rows. */
    static void load(DataSource ds, int rows) throws SQLException {
        int per = 1_000;
        StringBuilder sql = new StringBuilder("INSERT INTO points_detail (id, user_id, amount, note, gmt_modified) VALUES ");
        for (int i = 0; i < per; i++) {
            sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?)");
        }
        Timestamp t = Timestamp.valueOf("2026-11-21 08:00:00");
        try (Connection c = ds.getConnection(); PreparedStatement full = c.prepareStatement(sql.toString())) {
            for (int start = 1; start <= rows; start += per) {
                int n = Math.min(per, rows - start + 1);
                PreparedStatement ps = n == per ? full : c.prepareStatement(sql.substring(0, sql.indexOf("VALUES ") + 7)
                        + String.join(", ", java.util.Collections.nCopies(n, "(?, ?, ?, ?, ?)")));
                int p = 1;
                for (long id = start; id < start + n; id++) {
                    ps.setLong(p++, id);
                    ps.setLong(p++, 1 + id % 100_000);
                    ps.setLong(p++, id % 997);
                    ps.setString(p++, "detail " + id);
                    ps.setTimestamp(p++, t);
                }
                ps.executeUpdate();
                if (ps != full) {
                    ps.close();
                }
            }
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException(message);
        }
    }
}
