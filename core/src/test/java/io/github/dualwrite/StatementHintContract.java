package io.github.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.dualwrite.DualWrite;
import io.github.dualwrite.RoutingScope;
import io.github.dualwrite.StatementControl;
import io.github.dualwrite.StatementHint;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.journal.JournalEntry;
import io.github.dualwrite.sync.RowSync;
import io.github.dualwrite.testing.DbPair;
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

/**
 * Statement hints as the MyBatis plugin uses them: per-statement controls and the new side's own SQL for
 * a table whose column {@code memo} is {@code remark} on the new side. Data checked in both databases.
 */
abstract class StatementHintContract extends StackContract {

    private static final String INSERT_MEMO = "INSERT INTO points_memo (user_id, memo) VALUES (?, ?)";
    private static final String INSERT_MEMO_NEW = "INSERT INTO points_memo (user_id, remark) VALUES (?, ?)";
    private static final String SELECT_MEMO = "SELECT id, memo FROM points_memo WHERE user_id = ?";
    private static final String SELECT_MEMO_NEW = "SELECT id, remark AS memo FROM points_memo WHERE user_id = ?";
    private static final String UPDATE_BALANCE = "UPDATE points_account SET balance = ? WHERE id = ?";

    private List<JournalEntry> journal() {
        return stack.journalTable().read(0, 1_000);
    }

    private static RoutingScope hint(String sql, StatementControl control, Object key) {
        return DualWrite.hint(StatementHint.builder().key(key).sql(sql).control(control).build());
    }

    private static RoutingScope newSide(String sql, String newSql, long userId, String memo) {
        return DualWrite.hint(StatementHint.builder().key(userId).sql(sql).newSide(newSql, ps -> {
            ps.setLong(1, userId);
            ps.setString(2, memo);
        }).build());
    }

    private void account(long id, long userId, long balance) {
        pair.updateOld("INSERT INTO points_account (id, user_id, balance) VALUES (?, ?, ?)", id, userId, balance);
        pair.updateNew("INSERT INTO points_account (id, user_id, balance) VALUES (?, ?, ?)", id, userId, balance);
    }

    private long balance(Side side, long id) {
        String sql = "SELECT balance FROM points_account WHERE id = ?";
        return DbPair.count(side == Side.OLD ? pair.oldDataSource() : pair.newDataSource(), sql, id);
    }

    private int update(String sql, Object... params) throws SQLException {
        try (Connection c = stack.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps.executeUpdate();
        }
    }

    private List<String> memos(String sql, long userId) throws SQLException {
        try (Connection c = stack.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, userId);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString("memo"));
                }
            }
            return out;
        }
    }

    // ------------------------------------------------------------------ controls

    @Test
    void oldOnlyWritesTheOldSideAndJournalsTheRowsForRepair() throws Exception {
        account(1, 7, 100);
        try (RoutingScope s = hint(UPDATE_BALANCE, StatementControl.OLD_ONLY, 7)) {
            assertThat(update(UPDATE_BALANCE, 150, 1)).isEqualTo(1);
        }
        assertThat(balance(Side.OLD, 1)).isEqualTo(150);
        assertThat(balance(Side.NEW, 1)).isEqualTo(100);
        assertThat(journal()).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(JournalEntry.Reason.SKIPPED);
            assertThat(e.failedSide()).isEqualTo(Side.NEW);
            assertThat(e.routingKey()).isEqualTo("7");
        });
        new RowSync(pair.oldDataSource(), pair.newDataSource(), stack.control()).sync("points", "points_account", 7L);
        assertThat(balance(Side.NEW, 1)).isEqualTo(150);
    }

    @Test
    void oldOnlyIsRefusedWhereTheOldSideIsNotTheAuthority() throws Exception {
        account(1, 7, 100);
        stack.stage(Stage.NEW_PRIMARY);
        try (RoutingScope s = hint(UPDATE_BALANCE, StatementControl.OLD_ONLY, 7)) {
            assertThatThrownBy(() -> update(UPDATE_BALANCE, 150, 1)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("marked old-only").hasMessageContaining("authority is NEW");
        }
        stack.stage(Stage.NEW_ONLY);
        try (RoutingScope s = hint(SELECT_MEMO, StatementControl.OLD_ONLY, 7)) {
            assertThatThrownBy(() -> memos(SELECT_MEMO, 7)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("no longer written");
        }
        assertThat(balance(Side.OLD, 1)).isEqualTo(100);
        assertThat(balance(Side.NEW, 1)).isEqualTo(100);
    }

    @Test
    void oldOnlyAndAuthoritativeReadsLeaveTheNewSideEvenWhereItIsTheReadSide() throws Exception {
        pair.updateOld("INSERT INTO points_memo (id, user_id, memo) VALUES (1, 7, 'old')");
        pair.updateNew("INSERT INTO points_memo (id, user_id, remark) VALUES (1, 7, 'new')");
        stack.stage(Stage.READ_NEW);
        try (RoutingScope s = DualWrite.hint(7)) {
            assertThat(memos(SELECT_MEMO_NEW, 7)).containsExactly("new");
        }
        try (RoutingScope s = hint(SELECT_MEMO, StatementControl.OLD_ONLY, 7)) {
            assertThat(memos(SELECT_MEMO, 7)).containsExactly("old");
        }
        try (RoutingScope s = hint(SELECT_MEMO, StatementControl.AUTHORITATIVE_READ, 7)) {
            assertThat(memos(SELECT_MEMO, 7)).containsExactly("old");
        }
        // READ_NEW for everybody is single-sided for reads: the pass-through statement must not skip the mark
        stack.stage(Stage.NEW_PRIMARY);
        try (RoutingScope s = hint(SELECT_MEMO, StatementControl.OLD_ONLY, 7)) {
            assertThat(memos(SELECT_MEMO, 7)).containsExactly("old");
        }
    }

    @Test
    void skipSecondaryWritesTheAuthorityOnlyInNewPrimary() throws Exception {
        account(1, 7, 100);
        stack.stage(Stage.NEW_PRIMARY);
        try (RoutingScope s = hint(UPDATE_BALANCE, StatementControl.SKIP_SECONDARY, 7)) {
            update(UPDATE_BALANCE, 150, 1);
        }
        assertThat(balance(Side.NEW, 1)).isEqualTo(150);
        assertThat(balance(Side.OLD, 1)).isEqualTo(100);
        assertThat(journal()).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(JournalEntry.Reason.SKIPPED);
            assertThat(e.failedSide()).isEqualTo(Side.OLD);
        });
    }

    @Test
    void theControlAppliesToItsOwnSqlOnlyButTheKeyToEveryStatementOfTheCall() throws Exception {
        account(1, 7, 100);
        stack.stage(Stage.DUAL_WRITE, Stage.DUAL_WRITE, 0, MigrationConfig.UnkeyedPolicy.REJECT);
        try (RoutingScope s = hint("SELECT 1", StatementControl.OLD_ONLY, 7)) {
            update(UPDATE_BALANCE, 150, 1); // no user_id in the SQL: the hint's key routes it
        }
        assertThat(balance(Side.NEW, 1)).isEqualTo(150);
        assertThat(journal()).isEmpty();
    }

    // ------------------------------------------------------------------ the new side's own SQL

    @Test
    void theNewSideRunsItsOwnSqlWithTheOldSidesGeneratedId() throws Exception {
        long id;
        try (Connection c = stack.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(INSERT_MEMO, Statement.RETURN_GENERATED_KEYS);
             RoutingScope s = newSide(INSERT_MEMO, INSERT_MEMO_NEW, 7, "hello")) {
            ps.setLong(1, 7);
            ps.setString(2, "hello");
            assertThat(ps.executeUpdate()).isEqualTo(1);
            try (ResultSet keys = ps.getGeneratedKeys()) {
                assertThat(keys.next()).isTrue();
                id = keys.getLong(1);
            }
        }
        assertThat(pair.queryOld("SELECT id, user_id, memo FROM points_memo"))
                .containsExactly(Map.of("id", id, "user_id", 7L, "memo", "hello"));
        assertThat(pair.queryNew("SELECT id, user_id, remark FROM points_memo"))
                .containsExactly(Map.of("id", id, "user_id", 7L, "remark", "hello"));
        assertThat(journal()).isEmpty();
    }

    @Test
    void readsOnTheNewSideRunItsOwnSqlAndTheOldSideKeepsTheOriginal() throws Exception {
        pair.updateOld("INSERT INTO points_memo (id, user_id, memo) VALUES (1, 7, 'old')");
        pair.updateNew("INSERT INTO points_memo (id, user_id, remark) VALUES (1, 7, 'new')");
        for (Stage stage : List.of(Stage.DUAL_WRITE, Stage.READ_NEW, Stage.NEW_ONLY)) {
            stack.stage(stage);
            try (RoutingScope s = DualWrite.hint(StatementHint.builder().key(7).sql(SELECT_MEMO)
                    .newSide(SELECT_MEMO_NEW, ps -> ps.setLong(1, 7)).build())) {
                assertThat(memos(SELECT_MEMO, 7)).as("stage %s", stage)
                        .containsExactly(stage == Stage.DUAL_WRITE ? "old" : "new");
            }
        }
    }

    @Test
    void aBatchKeepsEachRowsKeyAndNewSideSqlWhenFlushedAfterTheCall() throws Exception {
        stack.stage(Stage.DUAL_WRITE, Stage.DUAL_WRITE, 0, MigrationConfig.UnkeyedPolicy.REJECT);
        try (Connection c = stack.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(INSERT_MEMO)) {
                for (long user = 1; user <= 3; user++) {
                    try (RoutingScope s = newSide(INSERT_MEMO, INSERT_MEMO_NEW, user, "m" + user)) {
                        ps.setLong(1, user);
                        ps.setString(2, "m" + user);
                        ps.addBatch();
                    }
                }
                // like MyBatis' BatchExecutor: flushed at commit, after every hint was closed
                assertThat(ps.executeBatch()).containsExactly(1, 1, 1);
            }
            c.commit();
        }
        assertThat(pair.queryNew("SELECT id, user_id, remark AS memo FROM points_memo ORDER BY id"))
                .isEqualTo(pair.queryOld("SELECT id, user_id, memo FROM points_memo ORDER BY id"))
                .hasSize(3);
        assertThat(journal()).isEmpty();
    }

    @Test
    void aBatchWhoseRowsRunDifferentNewSideSqlIsRefusedBeforeAnythingRuns() throws Exception {
        try (Connection c = stack.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(INSERT_MEMO)) {
            try (RoutingScope s = newSide(INSERT_MEMO, INSERT_MEMO_NEW, 1, "a")) {
                ps.setLong(1, 1);
                ps.setString(2, "a");
                ps.addBatch();
            }
            ps.setLong(1, 2);
            ps.setString(2, "b");
            ps.addBatch();
            assertThatThrownBy(ps::executeBatch).isInstanceOf(SQLException.class)
                    .hasMessageContaining("different SQL on the new side").hasMessageContaining("nothing was run");
        }
        assertThat(pair.countOld("points_memo")).isZero();
        assertThat(pair.countNew("points_memo")).isZero();
    }

    @Test
    void theHintLeavesNothingOnTheThread() {
        try (RoutingScope s = hint(SELECT_MEMO, StatementControl.OLD_ONLY, 7)) {
            assertThat(DualWrite.hintFor(SELECT_MEMO)).isNotNull();
            assertThat(DualWrite.contextKey()).hasToString("7");
        }
        assertThat(DualWrite.hintFor(SELECT_MEMO)).isNull();
        assertThat(DualWrite.contextKey()).isNull();
        assertThatThrownBy(() -> StatementHint.builder().control(StatementControl.OLD_ONLY).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("call sql(");
    }
}
