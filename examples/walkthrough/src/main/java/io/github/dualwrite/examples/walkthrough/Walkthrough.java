package io.github.dualwrite.examples.walkthrough;

import io.github.dualwrite.DualWriteDataSource;
import io.github.dualwrite.config.ConfigProblem;
import io.github.dualwrite.config.JdbcConfigSource;
import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.routing.Router;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The main job of the README: a migration of the {@code points} unit walked through on embedded H2.
 * Shows the document, then moves the stage switch and the gray ratio live and prints, after every change,
 * where each sample user's statements go and why; then writes through dual write, repairs what the new
 * side lost, backfills the old history, verifies both sides equal and cuts over to NEW_ONLY.
 */
public final class Walkthrough {

    /** Sample users: a whitelisted tester, a blacklisted account and ordinary users in various buckets. */
    static final List<Object> USERS = List.of(10_001L, 42L, 7L, 120L, 480L, 3_333L, 9_999L, "vip-7");

    private final PrintStream out;
    private final MigrationControl control = MigrationControl.empty(Clock.systemUTC());
    private final Router router = new Router(control);

    Walkthrough(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        new Walkthrough(System.out).run();
    }

    void run() {
        MigrationConfig start = MigrationConfig.fromYaml(Documents.START);
        section("1. The migration document");
        out.print(start.toYaml());
        apply(start, "startup");
        routes();

        section("2. Dual write for the whitelist only (gray stage DUAL_WRITE, ratio 0)");
        apply(Documents.document("OLD_ONLY", "DUAL_WRITE", 0), "ops: whitelist first");
        routes();

        for (int ratio : new int[] {1, 100, 500}) {
            section("3. Gray ratio " + ratio + " basis points (" + ratio / 100.0 + "% of users)");
            apply(Documents.document("OLD_ONLY", "DUAL_WRITE", ratio), "ops: ratio " + ratio);
            routes();
        }

        section("4. Illegal move: everyone straight to READ_NEW (skips DUAL_WRITE) is rejected");
        apply(Documents.document("READ_NEW", "READ_NEW", 0), "ops: typo");

        section("5. Invalid document: ratio 10001 is rejected, the last good one stays");
        apply(Documents.document("OLD_ONLY", "DUAL_WRITE", 10_001), "ops: fat finger");

        section("6. Everyone dual-writes; 10% read from the new database");
        apply(Documents.document("OLD_ONLY", "DUAL_WRITE", 10_000), "ops: everyone dual-writes");
        apply(Documents.document("DUAL_WRITE", "DUAL_WRITE", 0), "ops: promote the base stage");
        apply(Documents.document("DUAL_WRITE", "READ_NEW", 1_000), "ops: read new 10%");
        routes();

        section("7. The same switch shared through a table (JdbcConfigSource on H2)");
        sharedSwitch();

        section("8. Dual write on the embedded databases (old H2, new = ShardingSphere over 2 H2 x 4 tables)");
        java.nio.file.Path journalDir = createJournalDir();
        try (Databases db = new Databases(); DualWriteDataSource ds = DualWriteSteps.dataSource(control, db, journalDir)) {
            new DualWriteSteps(out, control, db, ds).run();
            section("9. Converge, then cut over: preflight, repair, verify, backfill, stage by stage to NEW_ONLY");
            new ConvergenceSteps(out, control, db, ds).run();
        } catch (Exception e) {
            throw new IllegalStateException("the dual-write steps failed: " + e.getMessage(), e);
        } finally {
            deleteJournalDir(journalDir);
        }
        out.println();
        out.println("Walkthrough finished: config v" + control.current().version() + ", "
                + control.rejectedCount() + " documents rejected.");
    }

    private void sharedSwitch() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:walkthrough_config;DB_CLOSE_DELAY=-1;MODE=MySQL");
        MigrationControl otherInstance = MigrationControl.empty(Clock.systemUTC());
        try (JdbcConfigSource ops = JdbcConfigSource.builder(h2, control).pollInterval(Duration.ofHours(1)).build();
             JdbcConfigSource other = JdbcConfigSource.builder(h2, otherInstance).pollInterval(Duration.ofHours(1)).build()) {
            long version = ops.publish(Documents.document("DUAL_WRITE", "READ_NEW", 5_000), MigrationConfig.Format.YAML, "walkthrough");
            out.println("published row version " + version + " to dualwrite_config");
            print(ops.checkNow());
            other.checkNow();
            out.println("another instance polled the same row: " + new Router(otherInstance).explain("points", 3_333L));
        }
        routes();
    }

    private void apply(MigrationConfig config, String source) {
        print(control.apply(config, source));
    }

    private void apply(String yaml, String source) {
        print(control.apply(yaml, MigrationConfig.Format.YAML, source));
    }

    private void print(MigrationControl.ApplyResult r) {
        switch (r.outcome()) {
            case ACCEPTED -> out.println("ACCEPTED v" + r.current().version() + " from " + r.current().source()
                    + (r.changes().isEmpty() ? "" : ": " + String.join("; ", r.changes())));
            case UNCHANGED -> out.println("UNCHANGED v" + r.current().version());
            case REJECTED -> {
                out.println("REJECTED, v" + r.current().version() + " stays in force:");
                for (ConfigProblem p : r.problems()) {
                    out.println("  - " + p);
                }
            }
        }
    }

    private void routes() {
        out.println("routes under v" + control.current().version() + ":");
        for (Object user : USERS) {
            out.println("  " + router.explain("points", user));
        }
    }

    private void section(String title) {
        out.println();
        out.println("== " + title);
    }

    /** Where the journal's fallback file would go (it is not needed on H2, but the DataSource names one). */
    private static java.nio.file.Path createJournalDir() {
        try {
            return java.nio.file.Files.createTempDirectory("dualwrite-walkthrough");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void deleteJournalDir(java.nio.file.Path dir) {
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(dir)) {
            for (java.nio.file.Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.deleteIfExists(p);
            }
        } catch (java.io.IOException e) {
            System.err.println("could not delete " + dir + ": " + e.getMessage());
        }
    }
}
