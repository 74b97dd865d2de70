package io.github.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.dualwrite.config.TableConfig;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.journal.JournalEntry;
import io.github.dualwrite.testing.StackContract;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every statement shape an application sends, in every stage (NEW_PRIMARY and NEW_ONLY included): inserts
 * without ids (single, multi-row VALUES, batch, plain statement), an upsert without id, non-deterministic
 * functions, a delete by IN-list, and a locking read then an update in one transaction. Rows are read in both
 * databases: every side the stage writes holds the same rows, columns and timestamps included; a side it does
 * not write holds none.
 */
abstract class StatementShapesContract extends StackContract {

    private static final long USER = 77;

    private List<Long> insert(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
            return keys(ps);
        }
    }

    private static List<Long> keys(Statement s) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (ResultSet rs = s.getGeneratedKeys()) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    private static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps.executeUpdate();
        }
    }

    private List<Map<String, Object>> rows(Side side, String table) {
        String sql = "SELECT * FROM " + table + " ORDER BY id";
        return side == Side.OLD ? pair.queryOld(sql) : pair.queryNew(sql);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Stage.class)
    void everyShapeLeavesTheSameRowsOnEverySideTheStageWrites(Stage stage) throws Exception {
        stack.stage(stage);
        List<Long> ids = new ArrayList<>();
        try (Connection c = stack.dataSource().getConnection()) {
            ids.addAll(insert(c, "INSERT INTO points_detail (user_id, amount) VALUES (?, ?)", USER, 1));
            ids.addAll(insert(c, "INSERT INTO points_detail (user_id, amount) VALUES (?, ?), (?, ?), (?, ?)",
                    USER, 2, USER, 3, USER, 4));
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO points_detail (user_id, amount) VALUES (?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                for (int amount = 5; amount <= 7; amount++) {
                    ps.setLong(1, USER);
                    ps.setLong(2, amount);
                    ps.addBatch();
                }
                assertThat(ps.executeBatch()).containsExactly(1, 1, 1);
                ids.addAll(keys(ps));
            }
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO points_detail (user_id, amount) VALUES (" + USER + ", 8)",
                        Statement.RETURN_GENERATED_KEYS);
                ids.addAll(keys(s));
            }
            assertThat(ids).as("the caller sees every id").hasSize(8).doesNotHaveDuplicates().allMatch(id -> id > 0);
            insert(c, "INSERT INTO points_account (user_id, balance) VALUES (?, ?) ON DUPLICATE KEY UPDATE balance = balance + 1",
                    USER, 100);
            insert(c, "INSERT INTO points_detail (user_id, amount, note, gmt_modified) VALUES (?, ?, UUID(), CURRENT_TIMESTAMP(3)),"
                    + " (?, ?, UUID(), CURRENT_TIMESTAMP(3))", USER, 9, USER, 10);
            assertThat(update(c, "UPDATE points_detail SET gmt_modified = NOW() WHERE user_id = ? AND id = ?", USER, ids.get(0)))
                    .isEqualTo(1);
            assertThat(update(c, "DELETE FROM points_detail WHERE user_id = ? AND id IN (?, ?)", USER, ids.get(1), ids.get(2)))
                    .isEqualTo(2);
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("SELECT balance FROM points_account WHERE user_id = ? FOR UPDATE")) {
                ps.setLong(1, USER);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).isEqualTo(100);
                }
            }
            assertThat(update(c, "UPDATE points_account SET balance = balance + 5, gmt_modified = CURRENT_TIMESTAMP(3)"
                    + " WHERE user_id = ?", USER)).isEqualTo(1);
            c.commit();
        }
        for (String table : List.of("points_detail", "points_account")) {
            List<Map<String, Object>> authority = rows(stage.authority(), table);
            assertThat(authority).as(table + " on the authority").isNotEmpty();
            List<Map<String, Object>> other = rows(stage.authority().other(), table);
            assertThat(other).as(table + " on " + stage.authority().other() + " in " + stage)
                    .isEqualTo(stage.writesBoth() ? authority : List.of());
        }
        List<Map<String, Object>> details = rows(stage.authority(), "points_detail");
        assertThat(details).hasSize(8).extracting(r -> r.get("id")).doesNotContain(ids.get(1), ids.get(2));
        assertThat(details.stream().filter(r -> r.get("note") != null).map(r -> r.get("note")).distinct().count())
                .as("UUID() once per row, the same on both sides").isEqualTo(2);
        assertThat(rows(stage.authority(), "points_account")).singleElement()
                .satisfies(r -> assertThat(r.get("balance")).isEqualTo(105L));
        assertThat(stack.journalTable().read(0, 100)).as("nothing failed, nothing journaled").isEmpty();
    }

    @Test
    void aTimeBoundOnBothSidesKeepsEveryDigit() throws Exception {
        // MariaDB Connector/J renders 27.053 as text "27.53000": a value read as text would bind a wrong time
        try (Connection c = pair.oldDataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT TIMESTAMP '2026-11-30 09:19:27.053', DATE '2026-01-02', 7")) {
            assertThat(rs.next()).isTrue();
            assertThat(CallValues.value(rs, 1)).isEqualTo(java.time.LocalDateTime.of(2026, 11, 30, 9, 19, 27, 53_000_000));
            assertThat(CallValues.value(rs, 2)).isEqualTo(java.time.LocalDate.of(2026, 1, 2));
            assertThat(((Number) CallValues.value(rs, 3)).intValue()).isEqualTo(7);
        }
    }

    @Test
    void aBoundTimeIsTheAuthoritysTimeOfTheWrite() throws Exception {
        stack.stage(Stage.DUAL_WRITE);
        pair.updateOld("INSERT INTO points_account (id, user_id, balance) VALUES (1, 82, 0)");
        pair.updateNew("INSERT INTO points_account (id, user_id, balance) VALUES (1, 82, 0)");
        String now = "SELECT CURRENT_TIMESTAMP(3) AS t";
        try (Connection c = stack.dataSource().getConnection()) {
            // writes until some fell in the first 100 ms of a second, where a leading zero of the fraction matters
            int early = 0;
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            for (int i = 0; early < 3 && System.nanoTime() < deadline; i++) {
                java.time.LocalDateTime before = time(pair.queryOld(now));
                update(c, "UPDATE points_account SET balance = balance + 1, gmt_modified = CURRENT_TIMESTAMP(3)"
                        + " WHERE user_id = ?", 82L);
                java.time.LocalDateTime after = time(pair.queryOld(now));
                java.time.LocalDateTime written = time(pair.queryOld("SELECT gmt_modified AS t FROM points_account"));
                assertThat(written).as("write %d", i).isBetween(before, after);
                early += before.getNano() < 90_000_000 && before.getSecond() == after.getSecond() ? 1 : 0;
            }
            assertThat(early).as("writes in the first 90 ms of a second").isEqualTo(3);
        }
        assertThat(rows(Side.NEW, "points_account")).isEqualTo(rows(Side.OLD, "points_account"));
    }

    private static java.time.LocalDateTime time(List<Map<String, Object>> rows) {
        Object t = rows.get(0).get("t");
        return t instanceof java.time.OffsetDateTime o ? o.toLocalDateTime() : t instanceof java.sql.Timestamp ts
                ? ts.toLocalDateTime() : (java.time.LocalDateTime) t;
    }

    @Test
    void aPerRowFunctionOverSeveralRowsIsJournaledAndRepairedNotDuplicated() throws Exception {
        pair.updateOld("INSERT INTO points_detail (id, user_id, amount) VALUES (1, 78, 1), (2, 78, 2)");
        pair.updateNew("INSERT INTO points_detail (id, user_id, amount) VALUES (1, 78, 1), (2, 78, 2)");
        try (Connection c = stack.dataSource().getConnection()) {
            assertThat(update(c, "UPDATE points_detail SET note = UUID() WHERE user_id = ?", 78L)).isEqualTo(2);
        }
        assertThat(stack.journalTable().read(0, 10)).extracting(JournalEntry::reason)
                .containsOnly(JournalEntry.Reason.NOT_REPEATABLE);
        new io.github.dualwrite.sync.RowSync(pair.oldDataSource(), pair.newDataSource(), stack.control())
                .sync("points", "points_detail", 78L);
        assertThat(rows(Side.NEW, "points_detail")).isEqualTo(rows(Side.OLD, "points_detail"));
    }

    @Test
    void aMultiRowInsertWithTheOldSidesIdsReachesTheNewSideWithTheSameIds() throws Exception {
        stack.ids(TableConfig.IdSource.OLD).stage(Stage.DUAL_WRITE);
        List<Long> ids;
        try (Connection c = stack.dataSource().getConnection()) {
            ids = insert(c, "INSERT INTO points_detail (user_id, amount) VALUES (?, ?), (?, ?), (?, ?)", 79L, 1, 79L, 2, 79L, 3);
        }
        assertThat(ids).as("the caller sees the id of every row").hasSize(3);
        assertThat(rows(Side.NEW, "points_detail")).hasSize(3).isEqualTo(rows(Side.OLD, "points_detail"));
        assertThat(stack.journalTable().read(0, 10)).isEmpty();
    }

    @Test
    void anInsertTheIdSourceCannotFillIsRefusedWithTheFix() throws Exception {
        stack.stage(Stage.NEW_PRIMARY);
        try (Connection c = stack.dataSource().getConnection()) {
            assertThatThrownBy(() -> update(c, "INSERT INTO points_detail SET user_id = ?, amount = ?", 80L, 1))
                    .isInstanceOf(SQLException.class).hasMessageContaining("SEQUENCE id source")
                    .hasMessageContaining("list the columns");
        }
        assertThat(pair.countOld("points_detail") + pair.countNew("points_detail")).isZero();
    }

    @Test
    void updatableResultSetsChangeRowsOnlyWhereOneSideIsWritten() throws Exception {
        pair.updateOld("INSERT INTO points_detail (id, user_id, amount) VALUES (1, 81, 1)");
        pair.updateNew("INSERT INTO points_detail (id, user_id, amount) VALUES (1, 81, 1)");
        String sql = "SELECT id, user_id, amount FROM points_detail WHERE user_id = 81";
        try (Connection c = stack.dataSource().getConnection();
             Statement s = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_UPDATABLE);
             ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            rs.updateLong("amount", 5);
            assertThatThrownBy(rs::updateRow).isInstanceOf(SQLException.class)
                    .hasMessageContaining("updatable result sets change one side only")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("0A000"));
            assertThatThrownBy(rs::deleteRow).hasMessageContaining("DUAL_WRITE");
        }
        assertThat(pair.queryOld("SELECT amount FROM points_detail")).containsExactly(Map.of("amount", 1L));
    }

    @Test
    void metadataLeadsBackToTheDualWriteConnection() throws Exception {
        try (Connection c = stack.dataSource().getConnection()) {
            assertThat(c.getMetaData().getConnection()).isSameAs(c);
        }
    }

    @Test
    void aRefusedStatementDecidesNothingForItsTransaction() throws Exception {
        stack.stage(Stage.READ_NEW, Stage.NEW_PRIMARY, 100); // user 10042 gray (NEW first), 10500 not (OLD first)
        try (Connection c = stack.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (io.github.dualwrite.RoutingScope scope = io.github.dualwrite.DualWrite.hint(io.github.dualwrite.StatementHint
                    .builder().key(10_042L).sql("UPDATE points_detail SET amount = 1 WHERE user_id = ?")
                    .control(io.github.dualwrite.StatementControl.OLD_ONLY).build())) {
                assertThatThrownBy(() -> update(c, "UPDATE points_detail SET amount = 1 WHERE user_id = ?", 10_042L))
                        .hasMessageContaining("old-only");
            }
            assertThat(update(c, "INSERT INTO points_detail (id, user_id, amount) VALUES (1, 10500, 1)"))
                    .as("the refused statement pinned no authority").isEqualTo(1);
            c.commit();
        }
        assertThat(pair.countOld("points_detail")).isEqualTo(1);
    }
}
