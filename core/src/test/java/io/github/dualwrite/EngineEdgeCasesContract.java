package io.github.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.journal.JournalEntry;
import io.github.dualwrite.testing.FaultyDataSource.Fault;
import io.github.dualwrite.testing.StackContract;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Edge cases found in review: each test is a scenario that once lost a write or broke the caller. */
abstract class EngineEdgeCasesContract extends StackContract {

    @BeforeEach
    void reset() throws Exception {
        stack.journalFile().clear();
    }

    private List<JournalEntry> journal() {
        return stack.journalTable().read(0, 1_000);
    }

    private String rows(Side side) {
        String sql = "SELECT id, user_id, amount FROM points_detail ORDER BY id";
        return String.valueOf(side == Side.OLD ? pair.queryOld(sql) : pair.queryNew(sql));
    }

    @Test
    void anIdColumnBoundToNullIsFilledWithTheOldSidesId() throws Exception {
        for (Stage stage : new Stage[] {Stage.DUAL_WRITE, Stage.NEW_PRIMARY}) {
            stack.reset();
            stack.stage(stage);
            try (Connection c = stack.dataSource().getConnection();
                 PreparedStatement ps = c.prepareStatement("INSERT INTO points_detail (id, user_id, amount) VALUES (?, ?, ?)",
                         Statement.RETURN_GENERATED_KEYS)) {
                ps.setNull(1, Types.BIGINT);
                ps.setLong(2, 5);
                ps.setLong(3, 50);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            assertThat(rows(Side.NEW)).as(stage.name()).isEqualTo(rows(Side.OLD));
            assertThat(pair.countNew("points_detail")).isEqualTo(1);
            assertThat(journal()).isEmpty();
        }
    }

    @Test
    void aPartlyFailedBatchStillReachesTheSecondaryForTheRowsThatApplied() throws Exception {
        pair.updateOld("INSERT INTO points_detail (id, user_id, amount) VALUES (3, 6, 0)");
        pair.updateNew("INSERT INTO points_detail (id, user_id, amount) VALUES (3, 6, 0)");
        try (Connection c = stack.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO points_detail (id, user_id, amount) VALUES (?, 6, 1)")) {
            for (long id = 1; id <= 5; id++) {
                ps.setLong(1, id);
                ps.addBatch();
            }
            assertThatThrownBy(ps::executeBatch).isInstanceOf(BatchUpdateException.class);
        }
        assertThat(rows(Side.NEW)).as("every row the old side kept is on the new side too").isEqualTo(rows(Side.OLD));
    }

    @Test
    void sqlRoutingCannotSeeIntoIsRefusedWhileUnitsWriteBothSides() throws Exception {
        try (Connection c = stack.dataSource().getConnection(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeUpdate("UPDATE points_detail SET amount = 1 WHERE user_id = 1;"
                    + " UPDATE points_detail SET amount = 2 WHERE user_id = 2"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("more than one statement");
            assertThatThrownBy(() -> s.execute("COMMIT")).hasMessageContaining("transaction control");
        }
        stack.stage(Stage.OLD_ONLY);
        try (Connection c = stack.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("COMMIT"); // harmless while everything is on the old side
        }
    }

    @Test
    void getUpdateCountWorksOnTheShardedSide() throws Exception {
        stack.stage(Stage.NEW_ONLY);
        try (Connection c = stack.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO points_detail (id, user_id, amount) VALUES (?, ?, 1)")) {
            ps.setLong(1, 1);
            ps.setLong(2, 7);
            assertThat(ps.execute()).isFalse();
            assertThat(ps.getUpdateCount()).isEqualTo(1);
            ps.setLargeMaxRows(10);
        }
        assertThat(pair.countNew("points_detail")).isEqualTo(1);
    }

    @Test
    void aFailedCommitOnASideWithItsOwnWritesReachesTheCaller() throws Exception {
        stack.stage(Stage.NEW_PRIMARY);
        pair.updateOld("INSERT INTO app_config (name, val) VALUES ('k', 'v')");
        stack.oldSide().set(Fault.COMMIT);
        try (Connection c = stack.dataSource().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.executeUpdate("INSERT INTO points_detail (id, user_id, amount) VALUES (1, 8, 1)"); // authority NEW
            s.executeUpdate("UPDATE app_config SET val = 'w' WHERE name = 'k'"); // only on OLD, its own write
            assertThatThrownBy(c::commit).isInstanceOf(SQLException.class).hasMessageContaining("those are lost");
        }
        assertThat(pair.countNew("points_detail")).isEqualTo(1);
        // the journal table lives on the old side, whose commits fail: the entry went to the file
        List<JournalEntry> entries = new java.util.ArrayList<>(journal());
        entries.addAll(stack.journalFile().readAll());
        assertThat(entries).as("the secondary half of the detail insert is journaled").hasSize(1)
                .allSatisfy(e -> assertThat(e.failedSide()).isEqualTo(Side.OLD));
    }

    @Test
    void aSavepointRollbackAfterTheSecondaryWasAbandonedDoesNotFailTheCaller() throws Exception {
        try (Connection c = stack.dataSource().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.executeUpdate("INSERT INTO points_detail (id, user_id, amount) VALUES (1, 9, 1)");
            Savepoint sp = c.setSavepoint();
            stack.newSide().set(Fault.WRITES);
            s.executeUpdate("INSERT INTO points_detail (id, user_id, amount) VALUES (2, 9, 2)");
            stack.newSide().set(Fault.NONE);
            c.rollback(sp);
            c.releaseSavepoint(sp);
            c.commit();
        }
        assertThat(pair.queryOld("SELECT id FROM points_detail")).containsExactly(Map.of("id", 1L));
        assertThat(pair.countNew("points_detail")).as("the secondary transaction was abandoned").isZero();
        assertThat(journal()).extracting(JournalEntry::primaryKey).contains("[1]");
    }

    @Test
    void journalEntriesOfARolledBackTransactionAreDropped() throws Exception {
        stack.newSide().set(Fault.WRITES);
        try (Connection c = stack.dataSource().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.executeUpdate("INSERT INTO points_detail (id, user_id, amount) VALUES (1, 10, 1)");
            c.rollback();
        }
        assertThat(journal()).as("nothing happened, nothing to repair").isEmpty();
    }

    @Test
    void insideATransactionReadsStayOnTheAuthorityOnceASecondaryWriteDidNotApply() throws Exception {
        stack.stage(Stage.READ_NEW);
        pair.updateOld("INSERT INTO points_detail (id, user_id, amount) VALUES (1, 11, 1)"); // missing on NEW
        try (Connection c = stack.dataSource().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.executeUpdate("UPDATE points_detail SET amount = 2 WHERE user_id = 11 AND id = 1"); // NEW: 0 rows
            try (ResultSet rs = s.executeQuery("SELECT amount FROM points_detail WHERE user_id = 11")) {
                assertThat(rs.next()).as("read-your-writes: the authority answers").isTrue();
                assertThat(rs.getLong(1)).isEqualTo(2);
            }
            c.commit();
        }
        assertThat(journal()).singleElement().extracting(JournalEntry::reason)
                .isEqualTo(JournalEntry.Reason.ROW_COUNT_MISMATCH);
    }

    @Test
    void aStreamParameterIsJournaledInsteadOfRepeated() throws Exception {
        try (Connection c = stack.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO points_detail (id, user_id, amount, note) VALUES (?, ?, 1, ?)")) {
            ps.setLong(1, 1);
            ps.setLong(2, 12);
            ps.setObject(3, new java.io.StringReader("note"));
            ps.executeUpdate();
        }
        assertThat(pair.countOld("points_detail")).isEqualTo(1);
        assertThat(journal()).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(JournalEntry.Reason.NOT_REPEATABLE);
            assertThat(e.routingKey()).isEqualTo("12");
        });
    }

    @Test
    void aQueryAfterAWriteReportsNoUpdateCount() throws Exception {
        try (Connection c = stack.dataSource().getConnection(); Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("INSERT INTO points_detail (id, user_id, amount) VALUES (1, 13, 1)")).isEqualTo(1);
            try (ResultSet rs = s.executeQuery("SELECT amount FROM points_detail WHERE user_id = 13")) {
                assertThat(rs.next()).isTrue();
            }
            assertThat(s.getUpdateCount()).isEqualTo(-1);
        }
    }

    @Test
    void aPlainBatchOfInsertsWithoutIdsGetsSequenceIdsWhenTheNewSideIsAuthoritative() throws Exception {
        stack.stage(Stage.NEW_PRIMARY);
        try (Connection c = stack.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.addBatch("INSERT INTO points_detail (user_id, amount, note) VALUES (14, 1, 'what?')");
            s.addBatch("INSERT INTO points_detail (user_id, amount) VALUES (14, 2), (14, 3)");
            assertThat(s.executeBatch()).containsExactly(1, 2);
        }
        assertThat(pair.countNew("points_detail")).isEqualTo(3);
        assertThat(pair.queryNew("SELECT id, user_id, amount, note FROM points_detail ORDER BY id"))
                .isEqualTo(pair.queryOld("SELECT id, user_id, amount, note FROM points_detail ORDER BY id"));
        assertThat(journal()).isEmpty();
    }

    @Test
    void aTransactionReadsOtherUsersFromTheAuthorityWhenTheirReadSideDiffers() throws Exception {
        stack.stage(Stage.DUAL_WRITE, Stage.READ_NEW, 100);
        pair.updateOld("INSERT INTO points_detail (id, user_id, amount) VALUES (1, 10500, 1)");
        pair.updateNew("INSERT INTO points_detail (id, user_id, amount) VALUES (1, 10500, 999)"); // stale copy
        try (Connection c = stack.dataSource().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM points_detail WHERE user_id = 10042")) {
                rs.next(); // gray user first: the transaction's read side is NEW
            }
            try (ResultSet rs = s.executeQuery("SELECT amount FROM points_detail WHERE user_id = 10500")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).as("a DUAL_WRITE user is read from the authority").isEqualTo(1);
            }
            c.commit();
        }
    }
}
