package io.github.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.dualwrite.DualWrite;
import io.github.dualwrite.RoutingScope;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.journal.JournalEntry;
import io.github.dualwrite.StatementRoute;
import io.github.dualwrite.testing.FaultyDataSource.Fault;
import io.github.dualwrite.testing.Stack;
import io.github.dualwrite.testing.StackContract;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The engine's features one by one; data checked directly in both databases. */
abstract class EngineFeaturesContract extends StackContract {

    private List<JournalEntry> journal() {
        return stack.journalTable().read(0, 1_000);
    }

    private String details(Side side) {
        String sql = "SELECT id, user_id, amount FROM points_detail ORDER BY id";
        return String.valueOf(side == Side.OLD ? pair.queryOld(sql) : pair.queryNew(sql));
    }

    private void assertSidesEqual() {
        assertThat(details(Side.NEW)).isEqualTo(details(Side.OLD));
        assertThat(pair.queryNew("SELECT id, user_id, balance FROM points_account ORDER BY id"))
                .isEqualTo(pair.queryOld("SELECT id, user_id, balance FROM points_account ORDER BY id"));
    }

    // ------------------------------------------------------------------ generated keys

    @Test
    void multiRowInsertsCarryTheOldSidesIdsToTheNewSide() throws Exception {
        pair.updateOld("INSERT INTO points_detail (id, user_id, amount) VALUES (1, 1, 1)");
        pair.updateNew("INSERT INTO points_detail (id, user_id, amount) VALUES (1, 1, 1)");
        try (Connection c = stack.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO points_detail (user_id, amount) VALUES (?, ?), (?, ?)",
                     Statement.RETURN_GENERATED_KEYS)) {
            ps.setLong(1, 21);
            ps.setLong(2, 5);
            ps.setLong(3, 21);
            ps.setLong(4, 6);
            assertThat(ps.executeUpdate()).isEqualTo(2);
            List<Object> keys = new java.util.ArrayList<>();
            try (ResultSet rs = ps.getGeneratedKeys()) {
                while (rs.next()) {
                    keys.add(rs.getLong(1));
                }
            }
            List<Object> oldIds = pair.queryOld("SELECT id FROM points_detail WHERE user_id = 21 ORDER BY id").stream()
                    .map(r -> r.get("id")).toList();
            if (keys.size() == 2) {
                assertThat(keys).as("the caller sees both generated keys").isEqualTo(oldIds);
                try (ResultSet again = ps.getGeneratedKeys()) {
                    assertThat(again.next()).as("reading the keys did not consume them").isTrue();
                }
                assertSidesEqual();
                assertThat(journal()).isEmpty();
            } else {
                // MariaDB Connector/J reports only the first id of a multi-row INSERT: the caller sees what its
                // driver gives, and the new side's rows are left to repair, journaled with the user's key
                assertThat(keys).containsExactly(oldIds.get(0));
                assertThat(journal()).singleElement().satisfies(e -> {
                    assertThat(e.reason()).isEqualTo(JournalEntry.Reason.NOT_REPEATABLE);
                    assertThat(e.routingKey()).isEqualTo("21");
                });
            }
        }
    }

    @Test
    void plainStatementsWithLiteralKeysAndGeneratedIdsToo() throws Exception {
        try (Connection c = stack.dataSource().getConnection(); Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("INSERT INTO points_account (user_id, balance) VALUES (22, 100)",
                    Statement.RETURN_GENERATED_KEYS)).isEqualTo(1);
            try (ResultSet keys = s.getGeneratedKeys()) {
                assertThat(keys.next()).isTrue();
            }
            assertThat(s.executeUpdate("UPDATE points_account SET balance = 150 WHERE user_id = 22")).isEqualTo(1);
            try (ResultSet rs = s.executeQuery("SELECT balance FROM points_account WHERE user_id = 22")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(150);
                assertThat(rs.getStatement()).isSameAs(s);
            }
            assertThat(s.execute("UPDATE points_account SET balance = 160 WHERE user_id = 22")).isFalse();
            assertThat(s.getUpdateCount()).isEqualTo(1);
        }
        assertSidesEqual();
    }

    @Test
    void inNewPrimaryIdsComeFromTheSequenceAndTheNewSideRunsFirst() throws Exception {
        stack.stage(Stage.NEW_PRIMARY);
        List<Long> ids = new java.util.ArrayList<>();
        try (Connection c = stack.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO points_detail (user_id, amount) VALUES (?, ?)",
                     Statement.RETURN_GENERATED_KEYS)) {
            for (long user = 30; user < 33; user++) {
                ps.setLong(1, user);
                ps.setLong(2, user);
                assertThat(ps.executeUpdate()).isEqualTo(1);
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    assertThat(keys.next()).isTrue();
                    ids.add(keys.getLong(1));
                }
            }
        }
        assertSidesEqual();
        assertThat(pair.queryNew("SELECT id FROM points_detail ORDER BY id")).extracting(r -> r.get("id"))
                .as("the caller's keys are the rows' ids").containsExactlyElementsOf(ids);
        stack.oldSide().set(Fault.WRITES); // the old side is the secondary now: its failure is journaled
        try (Connection c = stack.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO points_detail (user_id, amount) VALUES (?, ?)")) {
            ps.setLong(1, 34);
            ps.setLong(2, 34);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        assertThat(pair.countNew("points_detail")).isEqualTo(4);
        // the journal table lives on the old side, whose writes fail: the entry went to the file
        List<JournalEntry> entries = new java.util.ArrayList<>(journal());
        entries.addAll(stack.journalFile().readAll());
        assertThat(entries).singleElement().satisfies(e -> assertThat(e.failedSide()).isEqualTo(Side.OLD));
    }

    @Test
    void theOldSidesAutoIncrementCannotReachTheStagesWhereTheNewSideIsTheAuthority() {
        stack.ids(io.github.dualwrite.config.TableConfig.IdSource.OLD).stage(Stage.READ_NEW);
        assertThatThrownBy(() -> stack.stage(Stage.READ_NEW, Stage.NEW_PRIMARY, 100))
                .isInstanceOf(io.github.dualwrite.config.InvalidConfigException.class)
                .hasMessageContaining("tables.points_detail.id-source")
                .hasMessageContaining("set id-source: SEQUENCE");
    }

    // ------------------------------------------------------------------ batches

    @Test
    void batchesOfInsertsWithoutIdsCarryTheirIds() throws Exception {
        try (Connection c = stack.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO points_detail (user_id, amount) VALUES (?, ?)")) {
            for (long user = 40; user < 45; user++) {
                ps.setLong(1, user);
                ps.setLong(2, user * 2);
                ps.addBatch();
            }
            assertThat(ps.executeBatch()).containsExactly(1, 1, 1, 1, 1);
        }
        assertSidesEqual();
        assertThat(journal()).isEmpty();
    }

    @Test
    void successNoInfoCountsAreTrustedForInsertsAndJournaledAsUnverifiedForUpdates() throws Exception {
        stack.newSide().set(Fault.NO_INFO_COUNTS);
        try (Connection c = stack.dataSource().getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO points_detail (id, user_id, amount) VALUES (?, ?, 1)")) {
                for (long id = 1; id <= 3; id++) {
                    ps.setLong(1, id);
                    ps.setLong(2, 50 + id);
                    ps.addBatch();
                }
                assertThat(ps.executeBatch()).as("the caller sees the authority's counts").containsExactly(1, 1, 1);
            }
            assertThat(journal()).as("an insert that did not throw inserted").isEmpty();
            try (PreparedStatement ps = c.prepareStatement("UPDATE points_detail SET amount = 2 WHERE user_id = ? AND id = ?")) {
                for (long id = 1; id <= 3; id++) {
                    ps.setLong(1, 50 + id);
                    ps.setLong(2, id);
                    ps.addBatch();
                }
                assertThat(ps.executeBatch()).containsExactly(1, 1, 1);
            }
        }
        assertThat(journal()).hasSize(3).extracting(JournalEntry::reason).containsOnly(JournalEntry.Reason.UNVERIFIED);
        assertThat(journal()).extracting(JournalEntry::routingKey).containsExactly("51", "52", "53");
        assertSidesEqual();
    }

    @Test
    void plainStatementBatchesAreRepeatedStatementByStatement() throws Exception {
        try (Connection c = stack.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.addBatch("INSERT INTO points_detail (id, user_id, amount) VALUES (1, 60, 1)");
            s.addBatch("INSERT INTO points_detail (id, user_id, amount) VALUES (2, 61, 1)");
            s.addBatch("INSERT INTO app_config (name, val) VALUES ('a', 'b')");
            assertThat(s.executeBatch()).containsExactly(1, 1, 1);
        }
        assertSidesEqual();
        assertThat(pair.countNew("points_detail")).isEqualTo(2);
        assertThat(pair.countOld("app_config")).isEqualTo(1);
    }

    // ------------------------------------------------------------------ keys, policies, crossings

    @Test
    void unkeyedWritesFollowThePolicy() throws Exception {
        pair.updateOld("INSERT INTO points_detail (id, user_id, amount) VALUES (1, 70, 1)");
        pair.updateNew("INSERT INTO points_detail (id, user_id, amount) VALUES (1, 70, 1)");
        String unkeyed = "UPDATE points_detail SET amount = ? WHERE id = 1";
        try (Connection c = stack.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(unkeyed)) {
            ps.setLong(1, 2);
            assertThat(ps.executeUpdate()).isEqualTo(1);
            assertSidesEqual(); // EXECUTE_BOTH: the new side ran it on every shard
            assertThat(journal()).isEmpty();

            stack.stage(Stage.DUAL_WRITE, Stage.DUAL_WRITE, 0, MigrationConfig.UnkeyedPolicy.JOURNAL);
            ps.setLong(1, 3);
            assertThat(ps.executeUpdate()).isEqualTo(1);
            assertThat(pair.queryNew("SELECT amount FROM points_detail")).containsExactly(Map.of("amount", 2L));
            assertThat(journal()).singleElement().satisfies(e -> {
                assertThat(e.reason()).isEqualTo(JournalEntry.Reason.UNKEYED);
                assertThat(e.routingKey()).isNull();
                assertThat(e.primaryKey()).isEqualTo("[1]");
            });

            stack.stage(Stage.DUAL_WRITE, Stage.DUAL_WRITE, 0, MigrationConfig.UnkeyedPolicy.REJECT);
            ps.setLong(1, 4);
            assertThatThrownBy(ps::executeUpdate).isInstanceOf(SQLException.class)
                    .hasMessageContaining("no routing key for unit points (column user_id)")
                    .hasMessageContaining("unkeyed-policy is REJECT");
            assertThat(pair.queryOld("SELECT amount FROM points_detail")).containsExactly(Map.of("amount", 3L));
        }
        assertThat(stack.dataSource().stats().unkeyed()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void theScopeKeyWinsOverTheSql() throws Exception {
        stack.stage(Stage.OLD_ONLY, Stage.DUAL_WRITE, 0); // nobody gray, but whitelisted-by-scope tests below
        stack.control().apply(Stack.config(Stage.OLD_ONLY, Stage.DUAL_WRITE, 100, MigrationConfig.UnkeyedPolicy.EXECUTE_BOTH), "t").orThrow();
        try (Connection c = stack.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO points_detail (id, user_id, amount) VALUES (?, ?, 1)")) {
            ps.setLong(1, 1);
            ps.setLong(2, 500); // bucket 500: not gray, old only
            ps.executeUpdate();
            try (RoutingScope scope = DualWrite.routeBy(42L)) { // bucket 42: gray, dual write
                ps.setLong(1, 2);
                ps.executeUpdate();
            }
        }
        assertThat(pair.queryNew("SELECT id FROM points_detail")).containsExactly(Map.of("id", 2L));
        assertThat(pair.countOld("points_detail")).isEqualTo(2);
    }

    @Test
    void statementsAcrossUnitsOrWithUnmigratedTablesReadOldAndRefuseWrites() throws Exception {
        pair.updateOld("INSERT INTO points_account (id, user_id, balance) VALUES (1, 80, 10)");
        pair.updateOld("INSERT INTO coupon (id, user_id, code) VALUES (1, 80, 'X')");
        pair.updateOld("INSERT INTO app_config (name, val) VALUES ('k', 'v')");
        try (Connection c = stack.dataSource().getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT a.balance, c.code FROM points_account a JOIN coupon c"
                    + " ON a.user_id = c.user_id WHERE a.user_id = 80")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(2)).isEqualTo("X");
            }
            try (ResultSet rs = s.executeQuery("SELECT a.balance FROM points_account a, app_config f"
                    + " WHERE a.user_id = 80 AND f.name = 'k'")) {
                assertThat(rs.next()).isTrue();
            }
            assertThatThrownBy(() -> s.executeUpdate("INSERT INTO coupon (user_id, code)"
                    + " SELECT user_id, 'Y' FROM points_account WHERE user_id = 80"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("units [coupon, points]")
                    .hasMessageContaining("one statement cannot be split between the sides");
            assertThatThrownBy(() -> s.executeUpdate("UPDATE points_account SET balance = (SELECT COUNT(*) FROM"
                    + " app_config) WHERE user_id = 80")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("tables that are not migrated [app_config]");
            assertThat(s.executeUpdate("UPDATE app_config SET val = 'w' WHERE name = 'k'"))
                    .as("a table that is not migrated lives on the old side").isEqualTo(1);
        }
        assertThat(pair.countOld("coupon")).isEqualTo(1);
        assertThat(stack.dataSource().stats().rejected()).isEqualTo(2);
    }

    // ------------------------------------------------------------------ transactions

    @Test
    void aTransactionKeepsItsRouteWhenTheSwitchMovesMidway() throws Exception {
        try (Connection c = stack.dataSource().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.executeUpdate("INSERT INTO points_detail (id, user_id, amount) VALUES (1, 90, 1)");
            stack.stage(Stage.OLD_ONLY); // an operator rolls back mid-transaction
            s.executeUpdate("INSERT INTO points_detail (id, user_id, amount) VALUES (2, 90, 2)");
            c.commit();
            s.executeUpdate("INSERT INTO points_detail (id, user_id, amount) VALUES (3, 90, 3)");
            c.commit();
        }
        assertThat(pair.queryNew("SELECT id FROM points_detail ORDER BY id"))
                .as("the first transaction wrote both sides, the next follows OLD_ONLY")
                .containsExactly(Map.of("id", 1L), Map.of("id", 2L));
        assertThat(pair.countOld("points_detail")).isEqualTo(3);
    }

    @Test
    void savepointsRollBackBothSides() throws Exception {
        try (Connection c = stack.dataSource().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.executeUpdate("INSERT INTO points_detail (id, user_id, amount) VALUES (1, 95, 1)");
            Savepoint sp = c.setSavepoint("sp1");
            s.executeUpdate("INSERT INTO points_detail (id, user_id, amount) VALUES (2, 95, 2)");
            c.rollback(sp);
            s.executeUpdate("INSERT INTO points_detail (id, user_id, amount) VALUES (3, 95, 3)");
            c.commit();
        }
        assertThat(pair.queryNew("SELECT id FROM points_detail ORDER BY id")).containsExactly(Map.of("id", 1L), Map.of("id", 3L));
        assertSidesEqual();
    }

    @Test
    void aSavepointSetBeforeTheSecondaryOpenedRollsTheSecondaryBackEntirely() throws Exception {
        try (Connection c = stack.dataSource().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.executeUpdate("UPDATE app_config SET val = 'x' WHERE name = 'none'"); // opens the old side only
            Savepoint sp = c.setSavepoint();
            s.executeUpdate("INSERT INTO points_detail (id, user_id, amount) VALUES (1, 96, 1)");
            c.rollback(sp);
            s.executeUpdate("INSERT INTO points_detail (id, user_id, amount) VALUES (2, 96, 2)");
            c.commit();
        }
        assertThat(pair.queryNew("SELECT id FROM points_detail ORDER BY id")).containsExactly(Map.of("id", 2L));
        assertSidesEqual();
    }

    @Test
    void oneTransactionCannotMixAuthorities() throws Exception {
        // base READ_NEW (authority old), 1% gray in NEW_PRIMARY (authority new)
        stack.stage(Stage.READ_NEW, Stage.NEW_PRIMARY, 100);
        try (Connection c = stack.dataSource().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.executeUpdate("INSERT INTO points_detail (id, user_id, amount) VALUES (1, 10042, 1)"); // gray: new first
            assertThatThrownBy(() -> s.executeUpdate("INSERT INTO points_detail (id, user_id, amount) VALUES (2, 10500, 1)"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("keep one user per transaction");
            c.rollback();
            assertThatThrownBy(() -> s.executeUpdate("INSERT INTO points_detail (id, user_id, amount) VALUES"
                    + " (3, 10042, 1), (4, 10500, 1)")).hasMessageContaining("different authorities");
            c.rollback();
        }
        assertThat(pair.countOld("points_detail") + pair.countNew("points_detail")).isZero();
    }

    @Test
    void aPreparedStatementFollowsASwitchMadeAfterItWasPrepared() throws Exception {
        stack.stage(Stage.OLD_ONLY);
        long passThrough = stack.dataSource().stats().passThrough();
        try (Connection c = stack.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO points_detail (id, user_id, amount) VALUES (?, ?, 1)")) {
            ps.setLong(1, 1);
            ps.setLong(2, 97);
            ps.executeUpdate();
            stack.stage(Stage.DUAL_WRITE);
            ps.setLong(1, 2);
            ps.executeUpdate();
            stack.stage(Stage.OLD_ONLY);
            ps.setLong(1, 3);
            ps.executeUpdate();
        }
        assertThat(pair.queryNew("SELECT id FROM points_detail")).containsExactly(Map.of("id", 2L));
        assertThat(stack.dataSource().stats().passThrough()).as("the first execution went straight through")
                .isEqualTo(passThrough + 1);
    }

    // ------------------------------------------------------------------ explain, manners, integrations

    @Test
    void explainSaysWhereAStatementWouldGoWithoutRunningIt() {
        stack.stage(Stage.DUAL_WRITE, Stage.READ_NEW, 100);
        StatementRoute gray = stack.dataSource().explain("SELECT * FROM points_detail WHERE user_id = ?", 10042L);
        assertThat(gray.stage()).isEqualTo(Stage.READ_NEW);
        assertThat(gray.runsOn()).isEqualTo(Side.NEW);
        assertThat(gray.keys()).containsExactly("10042");
        assertThat(gray.keySource()).isEqualTo(io.github.dualwrite.StatementRoute.KeySource.SQL);
        StatementRoute write = stack.dataSource().explain("UPDATE points_detail SET amount = 1 WHERE user_id = ?", 10500L);
        assertThat(write.runsOn()).isEqualTo(Side.OLD);
        assertThat(write.thenOn()).isEqualTo(Side.NEW);
        assertThat(write.toString()).contains("unit points in DUAL_WRITE", "runs on OLD then NEW");
        StatementRoute refused = stack.dataSource().explain("ALTER TABLE points_detail ADD COLUMN x INT");
        assertThat(refused.isRejected()).isTrue();
        assertThat(refused.rejected()).contains("schema change");
        assertThat(pair.countOld("points_detail") + pair.countNew("points_detail")).isZero();
    }

    @Test
    void jdbcManners() throws Exception {
        Connection c = stack.dataSource().getConnection();
        Statement s = c.createStatement();
        PreparedStatement ps = c.prepareStatement("SELECT 1");
        assertThat(s.getConnection()).isSameAs(c);
        assertThat(ps.getConnection()).isSameAs(c);
        try (ResultSet rs = ps.executeQuery()) {
            assertThat(rs.getStatement()).isSameAs(ps);
        }
        assertThat(c.isWrapperFor(Connection.class)).isTrue();
        assertThat(c.unwrap(DualWriteConnection.class)).isSameAs(c);
        c.setReadOnly(false);
        c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        c.setAutoCommit(false);
        DualWriteConnection dual = c.unwrap(DualWriteConnection.class);
        for (Side side : Side.values()) {
            Connection physical = dual.physical(side);
            assertThat(physical.getTransactionIsolation()).as(side.name()).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
            assertThat(physical.getAutoCommit()).as(side.name()).isFalse();
        }
        c.rollback();
        c.close();
        c.close(); // closing twice is harmless
        assertThat(c.isClosed()).isTrue();
        assertThat(s.isClosed()).as("statements close with their connection").isTrue();
        assertThat(ps.isClosed()).isTrue();
        assertThatThrownBy(s::getConnection).isInstanceOf(SQLException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> stack.dataSource().getConnection("u", "p")).isInstanceOf(SQLException.class);
    }

    @Test
    void storedProceduresRunOnlyWhileEveryUnitIsOnOneSide() throws Exception {
        try (Connection c = stack.dataSource().getConnection()) {
            assertThatThrownBy(() -> c.prepareCall("{call ABS(-5)}")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("stored procedure call").hasMessageContaining("DUAL_WRITE")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("0A000"));
        }
        stack.stage(Stage.OLD_ONLY);
        try (Connection c = stack.dataSource().getConnection(); CallableStatement cs = c.prepareCall("{call ABS(-5)}")) {
            assertThat(cs.getConnection()).isSameAs(c);
            assertThat(cs.toString()).contains("on OLD");
            assertThatThrownBy(() -> cs.execute("UPDATE points_detail SET amount = 1 WHERE user_id = 1"))
                    .as("a call runs its own SQL only").hasMessageContaining("createStatement");
            stack.stage(Stage.DUAL_WRITE);
            assertThatThrownBy(cs::execute).as("checked again at every execution").hasMessageContaining("stored procedure");
        }
    }

    @Test
    void jdbcTemplateAndSpringTransactionsWork() {
        JdbcTemplate jdbc = new JdbcTemplate(stack.dataSource());
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(stack.dataSource()));
        tx.executeWithoutResult(status -> {
            jdbc.update("INSERT INTO points_account (user_id, balance) VALUES (?, ?)", 100L, 10L);
            jdbc.update("UPDATE points_account SET balance = balance + ? WHERE user_id = ?", 5L, 100L);
        });
        try {
            tx.executeWithoutResult(status -> {
                jdbc.update("UPDATE points_account SET balance = 0 WHERE user_id = ?", 100L);
                throw new IllegalStateException("business rule failed");
            });
        } catch (IllegalStateException expected) {
            // rolled back on both sides
        }
        assertThat(jdbc.queryForObject("SELECT balance FROM points_account WHERE user_id = ?", Long.class, 100L)).isEqualTo(15L);
        assertSidesEqual();
    }

    @Test
    void shadowReadsCompareASampleWithTheOtherSideAndJournalWhatStaysDifferent() throws Exception {
        MigrationConfig base = Stack.config(Stage.READ_NEW, Stage.READ_NEW, 0, MigrationConfig.UnkeyedPolicy.EXECUTE_BOTH);
        io.github.dualwrite.config.UnitConfig points = base.unit("points").orElseThrow()
                .withShadowRead(new io.github.dualwrite.config.UnitConfig.ShadowRead(1.0, java.util.Set.of("gmt_modified")));
        stack.control().apply(base.withUnit(points), "test").orThrow();
        DualWriteStats before = stack.dataSource().stats();
        try (Connection c = stack.dataSource().getConnection()) {
            try (Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO points_detail (id, user_id, amount) VALUES (1, 31, 5)");
                st.executeUpdate("INSERT INTO points_detail (id, user_id, amount) VALUES (2, 32, 5)");
            }
            pair.updateNew("UPDATE points_detail SET amount = 99 WHERE id = 1"); // behind everybody's back
            for (long user : new long[] {31, 32}) {
                try (PreparedStatement ps = c.prepareStatement("SELECT id, amount FROM points_detail WHERE user_id = ?")) {
                    ps.setLong(1, user);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue(); // the caller reads the read side (NEW) at once
                    }
                }
            }
        }
        io.github.dualwrite.testing.Poll.until(java.time.Duration.ofSeconds(30),
                () -> stack.dataSource().stats().shadowReads() - before.shadowReads() >= 2);
        assertThat(stack.dataSource().stats().shadowMismatches() - before.shadowMismatches()).isEqualTo(1);
        assertThat(stack.journalTable().read(0, 100)).filteredOn(e -> e.reason() == JournalEntry.Reason.SHADOW_MISMATCH)
                .singleElement().satisfies(e -> {
                    assertThat(e.routingKey()).isEqualTo("31");
                    assertThat(e.failedSide()).as("the authority (OLD) is trusted").isEqualTo(Side.NEW);
                    assertThat(e.table()).isEqualTo("points_detail");
                });
    }
}
