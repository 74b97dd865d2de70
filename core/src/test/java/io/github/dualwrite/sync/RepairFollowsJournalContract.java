package io.github.dualwrite.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.dualwrite.DualWriteDataSource;
import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.ids.SegmentSequence;
import io.github.dualwrite.journal.JdbcJournal;
import io.github.dualwrite.journal.JournalEntry;
import io.github.dualwrite.StatementRoute;
import io.github.dualwrite.testing.FaultyDataSource.Fault;
import io.github.dualwrite.testing.Stack;
import io.github.dualwrite.testing.StackContract;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import io.github.dualwrite.testing.Poll;
import org.junit.jupiter.api.Test;

/**
 * Repair follows the journal, never today's stage (G7): the minimal reproduction of a promotion that used to
 * delete a committed row, the gate that refuses moves while the journal says a side is behind, conflicts
 * kept for a person, read-your-writes while an entry waits, and draining as an operation.
 */
abstract class RepairFollowsJournalContract extends StackContract {

    private static final String INSERT_DETAIL = "INSERT INTO points_detail (id, user_id, amount) VALUES (?, ?, ?)";

    /** The stack's document for a stage, not forced: the gate and the legal-move rules apply. */
    private static MigrationConfig doc(Stage stage, Stage gray, int ratio) {
        return Stack.config(stage, gray, ratio, MigrationConfig.UnkeyedPolicy.EXECUTE_BOTH).withForce(false);
    }

    private MigrationControl.ApplyResult apply(MigrationConfig next) {
        return stack.control().apply(next, "test");
    }

    private void write(String sql, Object... params) throws SQLException {
        try (Connection c = stack.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }

    /** A write whose new-side half fails: the caller succeeds, the journal says NEW is behind. */
    private void writeMissingOnNew(String sql, Object... params) throws SQLException {
        stack.newSide().set(Fault.WRITES);
        try {
            write(sql, params);
        } finally {
            stack.newSide().set(Fault.NONE);
        }
    }

    private Repairer repairer() {
        return Repairer.builder(stack.dataSource().journal(), stack.dataSource().rowSync()).owner("test")
                .clock(stack.clock()).backoff(Duration.ofMillis(1), Duration.ofMillis(1)).sleeper(d -> { }).build();
    }

    private List<JournalEntry> journal() {
        return stack.journalTable().read(0, 10_000);
    }


    private long amount(Side side, long id) {
        String sql = "SELECT amount FROM points_detail WHERE id = ?";
        List<Map<String, Object>> rows = side == Side.OLD ? pair.queryOld(sql, id) : pair.queryNew(sql, id);
        return rows.isEmpty() ? -1 : ((Number) rows.get(0).get("amount")).longValue();
    }

    @Test
    void aPromotionWhileTheNewSideIsBehindIsRefusedAndForcedItStillLosesNothing() throws Exception {
        stack.control().apply(doc(Stage.DUAL_WRITE, Stage.DUAL_WRITE, 0).withForce(true), "test").orThrow();
        writeMissingOnNew(INSERT_DETAIL, 1L, 7L, 70L);
        assertThat(journal()).singleElement().satisfies(e -> {
            assertThat(e.operation()).isEqualTo(JournalEntry.Operation.INSERT);
            assertThat(e.failedSide()).isEqualTo(Side.NEW);
            assertThat(e.trustedSide()).isEqualTo(Side.OLD);
        });

        MigrationControl.ApplyResult refused = apply(doc(Stage.READ_NEW, Stage.READ_NEW, 0));
        assertThat(refused.outcome()).isEqualTo(MigrationControl.ApplyResult.Outcome.REJECTED);
        assertThat(refused.problems().toString()).contains("DUAL_WRITE -> READ_NEW").contains("the NEW side read or trusted")
                .contains("1 PENDING entries for 1 user(s)").contains("drain first");

        MigrationControl.ApplyResult forced = apply(doc(Stage.READ_NEW, Stage.READ_NEW, 0).withForce(true));
        assertThat(forced.outcome()).isEqualTo(MigrationControl.ApplyResult.Outcome.ACCEPTED);
        assertThat(forced.forced()).anySatisfy(f -> assertThat(f).contains("journal says"));
        apply(doc(Stage.NEW_PRIMARY, Stage.NEW_PRIMARY, 0).withForce(true)).orThrow();
        StatementRoute held = stack.dataSource().explain("SELECT amount FROM points_detail WHERE user_id = ?", 7L);
        assertThat(held.runsOn()).as("the user is read where their write is").isEqualTo(Side.OLD);
        assertThat(held.reason()).contains("behind on NEW");

        assertThat(repairer().runOnce()).isEqualTo(new Repairer.Run(1, 1, 0, 0));
        assertThat(amount(Side.OLD, 1)).as("the side that had the write keeps it").isEqualTo(70);
        assertThat(amount(Side.NEW, 1)).as("and the side behind gets it").isEqualTo(70);
        stack.dataSource().refreshJournalView();
        assertThat(stack.dataSource().explain("SELECT amount FROM points_detail WHERE user_id = ?", 7L).runsOn())
                .isEqualTo(Side.NEW);
    }

    @Test
    void theGateLooksOnlyAtTheUsersAMoveAffects() throws Exception {
        stack.control().apply(doc(Stage.DUAL_WRITE, Stage.DUAL_WRITE, 0).withForce(true), "test").orThrow();
        writeMissingOnNew(INSERT_DETAIL, 1L, 10_500L, 1L); // bucket 500
        assertThat(apply(doc(Stage.DUAL_WRITE, Stage.READ_NEW, 100)).outcome()).as("buckets 0..99 move: not bucket 500")
                .isEqualTo(MigrationControl.ApplyResult.Outcome.ACCEPTED);
        MigrationControl.ApplyResult refused = apply(doc(Stage.DUAL_WRITE, Stage.READ_NEW, 1_000));
        assertThat(refused.outcome()).isEqualTo(MigrationControl.ApplyResult.Outcome.REJECTED);
        assertThat(refused.problems().toString()).contains("users in buckets 100..999");
        assertThat(apply(doc(Stage.DUAL_WRITE, Stage.DUAL_WRITE, 0)).outcome()).as("back to reading the old side")
                .isEqualTo(MigrationControl.ApplyResult.Outcome.ACCEPTED);
    }

    @Test
    void theGateSeesEveryInstancesEntriesInTheSharedTable() throws Exception {
        stack.control().apply(doc(Stage.DUAL_WRITE, Stage.DUAL_WRITE, 0).withForce(true), "test").orThrow();
        writeMissingOnNew(INSERT_DETAIL, 1L, 42L, 1L);
        MigrationControl other = MigrationControl.empty(stack.clock());
        other.apply(doc(Stage.DUAL_WRITE, Stage.DUAL_WRITE, 0), "instance 2").orThrow();
        try (DualWriteDataSource second = DualWriteDataSource.builder().oldDataSource(pair.oldDataSource())
                .newDataSource(pair.newDataSource()).control(other).journal(new JdbcJournal(pair.oldDataSource()))
                .sequence(SegmentSequence.builder(pair.shard(0)).build()).clock(stack.clock()).build()) {
            MigrationControl.ApplyResult refused = other.apply(doc(Stage.READ_NEW, Stage.READ_NEW, 0), "instance 2");
            assertThat(refused.outcome()).isEqualTo(MigrationControl.ApplyResult.Outcome.REJECTED);
            assertThat(second.explain("SELECT * FROM points_detail WHERE user_id = ?", 42L).stage()).isEqualTo(Stage.DUAL_WRITE);
        }
    }

    @Test
    void aUserWhoseNewSideWriteFailedReadsTheirOwnWriteUntilItIsRepaired() throws Exception {
        stack.stage(Stage.READ_NEW);
        writeMissingOnNew(INSERT_DETAIL, 1L, 11L, 110L);
        try (Connection c = stack.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT amount FROM points_detail WHERE user_id = ?")) {
            ps.setLong(1, 11L);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("read from the side that has the write").isTrue();
                assertThat(rs.getLong(1)).isEqualTo(110);
            }
            assertThat(stack.dataSource().explain("SELECT * FROM points_detail WHERE user_id = ?", 12L).runsOn())
                    .as("other users still read the new side").isEqualTo(Side.NEW);
            repairer().runOnce();
            assertThat(stack.dataSource().explain("SELECT * FROM points_detail WHERE user_id = ?", 11L).runsOn())
                    .as("repaired: the new side again").isEqualTo(Side.NEW);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(110);
            }
        }
    }

    @Test
    void entriesPointingBothWaysBecomeAConflictThatAPersonResolves() throws Exception {
        pair.updateOld(INSERT_DETAIL, 1L, 8L, 10L);
        pair.updateNew(INSERT_DETAIL, 1L, 8L, 20L);
        Instant now = stack.clock().instant();
        stack.dataSource().journal().record(List.of(
                JournalEntry.pending(now, "points", "points_detail", "8", "[1]", JournalEntry.Operation.UPDATE, Side.NEW,
                        "UPDATE points_detail SET amount = 10 WHERE user_id = 8", null, JournalEntry.Reason.ERROR, null, "x"),
                JournalEntry.pending(now, "points", "points_detail", "8", "[1]", JournalEntry.Operation.UPDATE, Side.OLD,
                        "UPDATE points_detail SET amount = 20 WHERE user_id = 8", null, JournalEntry.Reason.ERROR, null, "y")));
        Repairer.Run run = repairer().runOnce();
        assertThat(run.conflicts()).isEqualTo(2);
        assertThat(journal()).allSatisfy(e -> {
            assertThat(e.status()).isEqualTo(JournalEntry.Status.CONFLICT);
            assertThat(e.errorMessage()).contains("both OLD and NEW are behind");
            assertThat(e.detail()).contains("\"OLD\"").contains("\"NEW\"").contains("\"amount\":\"10\"").contains("\"amount\":\"20\"");
        });
        assertThat(amount(Side.OLD, 1)).as("nothing changed").isEqualTo(10);
        assertThat(amount(Side.NEW, 1)).isEqualTo(20);
        assertThat(stack.dataSource().journal().stats().conflicts()).isEqualTo(2);
        assertThat(apply(doc(Stage.READ_NEW, Stage.READ_NEW, 0)).problems().toString())
                .as("the entry saying NEW is behind holds back a move that makes NEW read").contains("1 CONFLICT");

        Repairer repairer = repairer();
        assertThat(repairer.resolve("points", "points_detail", "8", Side.NEW, "alice")).isEqualTo(2);
        assertThat(repairer.runOnce().repaired()).isEqualTo(1);
        assertThat(amount(Side.OLD, 1)).as("the side the person trusted was copied").isEqualTo(20);
        assertThat(stack.dataSource().journal().stats().unresolved()).isZero();
    }

    @Test
    void aRowTheSideBehindWroteLaterAsTheAuthorityIsAConflictNotOverwritten() throws Exception {
        pair.updateOld("INSERT INTO points_account (id, user_id, balance, gmt_modified) VALUES (1, 9, 10, '2026-11-21 08:00:00')");
        pair.updateNew("INSERT INTO points_account (id, user_id, balance, gmt_modified) VALUES (1, 9, 10, '2026-11-21 08:00:00')");
        writeMissingOnNew("UPDATE points_account SET balance = 11, gmt_modified = '2026-11-21 08:01:00' WHERE user_id = ?", 9L);
        apply(doc(Stage.NEW_PRIMARY, Stage.NEW_PRIMARY, 0).withForce(true)).orThrow();
        // a write the old side never saw, made while the new side was already trusted
        pair.updateNew("UPDATE points_account SET balance = 99, gmt_modified = '2026-11-21 08:05:00' WHERE user_id = 9");
        Repairer.Run run = repairer().runOnce();
        assertThat(run.conflicts()).isEqualTo(1);
        assertThat(journal()).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo(JournalEntry.Status.CONFLICT);
            assertThat(e.errorMessage()).contains("NEW has since become the authority");
        });
        assertThat(pair.queryNew("SELECT balance FROM points_account WHERE user_id = 9")).containsExactly(Map.of("balance", 99L));
    }

    @Test
    void copyingFromTodaysAuthorityLeavesUsersTheJournalSaysItIsBehindFor() throws Exception {
        writeMissingOnNew(INSERT_DETAIL, 1L, 13L, 1L);
        apply(doc(Stage.NEW_PRIMARY, Stage.NEW_PRIMARY, 0).withForce(true)).orThrow();
        assertThatThrownBy(() -> stack.dataSource().rowSync().sync("points", "points_detail", 13L))
                .isInstanceOf(SQLException.class).hasMessageContaining("1 unrepaired entries saying NEW is behind")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("0A000"));
        assertThat(amount(Side.OLD, 1)).as("the row the old side has stays").isEqualTo(1);
    }

    @Test
    void leavingASideForGoodWaitsForEntriesSayingTheSideLeftAloneIsBehind() throws Exception {
        stack.control().apply(doc(Stage.NEW_PRIMARY, Stage.NEW_PRIMARY, 0).withForce(true), "test").orThrow();
        stack.dataSource().journal().record(List.of(JournalEntry.pending(stack.clock().instant(), "points",
                "points_detail", "14", "[1]", JournalEntry.Operation.INSERT, Side.NEW, "INSERT ...", null,
                JournalEntry.Reason.ERROR, null, "written before a forced promotion")));
        MigrationControl.ApplyResult refused = apply(doc(Stage.NEW_ONLY, Stage.NEW_ONLY, 0));
        assertThat(refused.outcome()).isEqualTo(MigrationControl.ApplyResult.Outcome.REJECTED);
        assertThat(refused.problems().toString()).contains("NEW_PRIMARY -> NEW_ONLY").contains("1 PENDING");
    }

    @Test
    void aRepairTowardASideWrittenAloneNeverDeletesARowOnlyThatSideHas() throws Exception {
        // another instance, which had not learnt of the entry yet, wrote row 2 in NEW_ONLY: OLD will never see it
        pair.updateOld(INSERT_DETAIL, 1L, 15L, 1L);
        pair.updateNew(INSERT_DETAIL, 2L, 15L, 2L);
        stack.dataSource().journal().record(List.of(JournalEntry.pending(stack.clock().instant(), "points",
                "points_detail", "15", null, JournalEntry.Operation.UPDATE, Side.NEW, "UPDATE ... WHERE user_id = 15",
                null, JournalEntry.Reason.ERROR, null, "written before a forced move"))); // no rows named: all of them
        apply(doc(Stage.NEW_ONLY, Stage.NEW_ONLY, 0).withForce(true)).orThrow();
        // this process holds the user on OLD (its guard knows the entry), but its hold cannot vouch for others
        assertThat(repairer().runOnce().conflicts()).isEqualTo(1);
        assertThat(amount(Side.NEW, 2)).as("the row only NEW has stays").isEqualTo(2);
        assertThat(journal()).singleElement().satisfies(e -> assertThat(e.errorMessage()).contains("holds row"));
    }

    @Test
    void aWriteJournaledAfterAPersonsDecisionTheOtherWayIsAConflictAgain() throws Exception {
        pair.updateOld(INSERT_DETAIL, 1L, 16L, 10L);
        pair.updateNew(INSERT_DETAIL, 1L, 16L, 20L);
        Repairer repairer = repairer();
        repairer.resolve("points", "points_detail", "16", Side.OLD, "alice");
        // then a write in NEW_PRIMARY whose OLD half failed: NEW has an acknowledged row the decision never saw
        stack.dataSource().journal().record(List.of(JournalEntry.pending(stack.clock().instant(), "points",
                "points_detail", "16", "[1]", JournalEntry.Operation.UPDATE, Side.OLD, "UPDATE ...", null,
                JournalEntry.Reason.ERROR, null, "old side down")));
        assertThat(repairer.runOnce().conflicts()).isEqualTo(2);
        assertThat(amount(Side.NEW, 1)).as("the later write is not reverted").isEqualTo(20);
        assertThat(journal()).filteredOn(e -> e.status() == JournalEntry.Status.CONFLICT)
                .allSatisfy(e -> assertThat(e.errorMessage()).contains("written after the decision"));
    }

    @Test
    void aCopyFromTodaysAuthorityThatMovedMeanwhileChangesNothing() throws Exception {
        pair.updateOld(INSERT_DETAIL, 1L, 17L, 10L);
        RowSync.LiveWrites movedToNew = new RowSync.LiveWrites() {
            @Override
            public Side authority(String unit, String table, Object routingKey) {
                return Side.NEW; // the move arrived between choosing the source and locking its rows
            }

            @Override
            public Fence enter(String unit, Object routingKey, Side first, Duration timeout) {
                return () -> { };
            }
        };
        RowSync sync = new RowSync(pair.oldDataSource(), pair.newDataSource(), stack.control(),
                stack.dataSource().journal(), movedToNew);
        assertThatThrownBy(() -> sync.sync("points", "points_detail", 17L)).isInstanceOf(SQLException.class)
                .hasMessageContaining("moved to NEW while its rows were being copied from OLD")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("40001"));
        assertThat(pair.countNew("points_detail")).as("nothing changed").isZero();
    }

    @Test
    void duplicatesAcrossShardsAreLeftToAPersonWhileTheNewSideIsTheAuthority() throws Exception {
        stack.stage(Stage.NEW_PRIMARY);
        pair.updateNew(INSERT_DETAIL, 1L, 18L, 10L);
        assertThatThrownBy(() -> stack.dataSource().rowSync().purgeAndSync("points", "points_detail", List.of(1L), 18L))
                .isInstanceOf(SQLException.class).hasMessageContaining("in several shards of the new side");
        assertThat(amount(Side.NEW, 1)).isEqualTo(10);
    }

    @Test
    void inATransactionEveryUserIsHeldNotOnlyTheFirst() throws Exception {
        stack.stage(Stage.READ_NEW);
        writeMissingOnNew(INSERT_DETAIL, 1L, 19L, 190L);
        pair.updateNew(INSERT_DETAIL, 2L, 20L, 200L);
        pair.updateOld(INSERT_DETAIL, 2L, 20L, 200L);
        try (Connection c = stack.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("SELECT amount FROM points_detail WHERE user_id = ?")) {
                ps.setLong(1, 20L); // a clean user first: the transaction reads NEW
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                }
                ps.setLong(1, 19L); // then the user whose NEW write failed
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).as("their own write, from the side that has it").isTrue();
                    assertThat(rs.getLong(1)).isEqualTo(190);
                }
            }
            c.commit();
        }
    }

    @Test
    void drainCoalescesEveryEntryOfAUserAndReportsWhatIsLeft() throws Exception {
        stack.newSide().set(Fault.EXECUTE);
        for (long id = 1; id <= 60; id++) {
            write(INSERT_DETAIL, id, 100L + id % 3, id);
        }
        stack.newSide().set(Fault.NONE);
        stack.awaitOutagesClosed(); // the entries are stored in the background once the breaker opened
        assertThat(stack.writeEntries()).isEqualTo(60);
        Repairer.DrainResult drained = repairer().drain(Duration.ofMinutes(1));
        assertThat(drained.drained()).as(drained.toString()).isTrue();
        assertThat(drained.run().repaired()).isEqualTo(60);
        assertThat(drained.toString()).startsWith("DRAIN repaired=60 failed=0 dead=0 conflicts=0 pending=0");
        assertThat(pair.queryNew("SELECT id, user_id, amount FROM points_detail ORDER BY id"))
                .isEqualTo(pair.queryOld("SELECT id, user_id, amount FROM points_detail ORDER BY id"));
    }

    @Test
    void closeWaitsForThePassInProgress() throws Exception {
        writeMissingOnNew(INSERT_DETAIL, 1L, 14L, 1L);
        CountDownLatch inPass = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Repairer repairer = Repairer.builder(stack.dataSource().journal(), stack.dataSource().rowSync()).owner("slow")
                .listener(new Repairer.Listener() {
                    @Override
                    public void claimed(JournalEntry entry) {
                        inPass.countDown();
                        try {
                            release.await(1, TimeUnit.MINUTES);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }).build();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<Repairer.Run> pass = threads.submit(repairer::runOnce);
            assertThat(inPass.await(1, TimeUnit.MINUTES)).isTrue();
            Future<?> closing = threads.submit(repairer::close);
            assertThat(closing.isDone()).as("close waits while a pass runs").isFalse();
            release.countDown();
            closing.get(1, TimeUnit.MINUTES);
            assertThat(journal()).as("the pass finished its work before close returned").singleElement()
                    .satisfies(e -> assertThat(e.status()).isEqualTo(JournalEntry.Status.DONE));
            assertThat(pass.get(1, TimeUnit.MINUTES).repaired()).isEqualTo(1);
        } finally {
            release.countDown();
            threads.shutdownNow();
        }
    }

    @Test
    void aBreakerOpenEntrySaysTheStateThatRefusedTheWrite() throws Exception {
        stack.newSide().set(Fault.EXECUTE);
        for (long id = 1; id <= 30; id++) {
            write(INSERT_DETAIL, id, 15L, id);
        }
        stack.newSide().set(Fault.NONE);
        Poll.until(Duration.ofSeconds(10), () -> stack.writeEntries() == 30);
        assertThat(journal()).filteredOn(e -> e.reason() == JournalEntry.Reason.BREAKER_OPEN).isNotEmpty()
                .allSatisfy(e -> assertThat(e.errorMessage()).isEqualTo("not run: the circuit breaker in front of NEW is OPEN"));
    }
}
