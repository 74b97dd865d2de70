package io.github.dualwrite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.journal.JournalEntry;
import io.github.dualwrite.testing.DbPair;
import io.github.dualwrite.testing.FaultyDataSource;
import io.github.dualwrite.testing.FaultyDataSource.Fault;
import io.github.dualwrite.testing.MutableClock;
import io.github.dualwrite.testing.Stack;
import io.github.dualwrite.testing.StackContract;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Retries with backoff, giving up, and the change-log mode (every write replayed by the repairer). */
class RepairerTest extends StackContract {

    private FaultyDataSource newSide;
    private RowSync rowSync;

    @Override
    protected DbPair newPair() {
        return DbPair.h2("repairer");
    }

    @BeforeAll
    void setUp() {
        newSide = FaultyDataSource.wrap(pair.newDataSource());
        rowSync = new RowSync(pair.oldDataSource(), newSide.dataSource(), stack.control());
    }

    @BeforeEach
    void reset() {
        newSide.set(Fault.NONE);
    }

    private void write(String sql) throws Exception {
        try (Connection c = stack.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    private JournalEntry only() {
        return stack.journalTable().read(0, 10).get(0);
    }

    @Test
    void anUnreachableSideIsWaitedForAtTheLongestBackoffAndNeverGivenUp() throws Exception {
        stack.newSide().set(Fault.WRITES);
        write("INSERT INTO points_detail (id, user_id, amount) VALUES (1, 3, 1)");
        stack.newSide().set(Fault.NONE);
        MutableClock clock = new MutableClock(Instant.parse("2026-11-21T09:00:00Z"));
        newSide.set(Fault.DOWN); // the repairer's way to the new side is down: a transient failure
        Repairer repairer = Repairer.builder(stack.dataSource().journal(), rowSync).owner("r").clock(clock)
                .maxAttempts(2).backoff(Duration.ofSeconds(10), Duration.ofSeconds(20)).build();
        for (int attempt = 1; attempt <= 4; attempt++) {
            assertThat(repairer.runOnce()).as("attempt " + attempt).isEqualTo(new Repairer.Run(1, 0, 1, 0));
            assertThat(only().status()).isEqualTo(JournalEntry.Status.PENDING);
            clock.advance(Duration.ofSeconds(20));
        }
        assertThat(only().attempts()).isEqualTo(4);
        newSide.set(Fault.NONE);
        assertThat(repairer.runOnce()).isEqualTo(new Repairer.Run(1, 1, 0, 0));
        assertThat(pair.queryNew("SELECT id FROM points_detail")).hasSize(1);
    }

    @Test
    void aFailingRepairIsRetriedWithBackoffThenGivenUpWithItsReason() throws Exception {
        stack.newSide().set(Fault.WRITES);
        write("INSERT INTO points_detail (id, user_id, amount) VALUES (1, 3, 1)");
        stack.newSide().set(Fault.NONE);
        MutableClock clock = new MutableClock(Instant.parse("2026-11-21T09:00:00Z"));
        newSide.set(Fault.DATA_ERROR); // the repair's statements are refused: not a side that is down
        Repairer repairer = Repairer.builder(stack.dataSource().journal(), rowSync).owner("r").clock(clock)
                .maxAttempts(3).backoff(Duration.ofSeconds(10), Duration.ofMinutes(5)).build();
        assertThat(repairer.runOnce()).isEqualTo(new Repairer.Run(1, 0, 1, 0));
        assertThat(only().attempts()).isEqualTo(1);
        assertThat(only().nextAttemptAt()).isEqualTo(Instant.parse("2026-11-21T09:00:10Z"));
        assertThat(repairer.runOnce().claimed()).as("not due yet").isZero();
        clock.advance(Duration.ofSeconds(10));
        assertThat(repairer.runOnce()).isEqualTo(new Repairer.Run(1, 0, 1, 0));
        assertThat(only().nextAttemptAt()).as("the delay doubled").isEqualTo(Instant.parse("2026-11-21T09:00:30Z"));
        clock.advance(Duration.ofSeconds(20));
        assertThat(repairer.runOnce()).isEqualTo(new Repairer.Run(1, 0, 0, 1));
        assertThat(only().status()).isEqualTo(JournalEntry.Status.DEAD);
        assertThat(only().errorMessage()).contains("gave up after 3 attempts").contains("injected: constraint violation");
        assertThat(repairer.deadCount()).isEqualTo(1);
    }

    @Test
    void anEntryWithoutKeysIsGivenUpAtOnceWithWhatToDo() throws Exception {
        stack.stage(Stage.DUAL_WRITE, Stage.DUAL_WRITE, 0, MigrationConfig.UnkeyedPolicy.JOURNAL);
        write("UPDATE points_detail SET amount = 1 WHERE amount > 5");
        Repairer repairer = Repairer.builder(stack.dataSource().journal(), rowSync).owner("r").build();
        assertThat(repairer.runOnce().dead()).isEqualTo(1);
        assertThat(only().errorMessage()).contains("run verify on points.points_detail");
    }

    @Test
    void inChangeLogModeWritesReachTheNewSideThroughTheRepairer() throws Exception {
        stack.control().apply(Stack.config(Stage.DUAL_WRITE, Stage.DUAL_WRITE, 0, MigrationConfig.UnkeyedPolicy.EXECUTE_BOTH)
                .withSecondary(MigrationConfig.Secondary.DEFAULTS.withMode(MigrationConfig.WriteMode.CHANGE_LOG)), "test").orThrow();
        write("INSERT INTO points_detail (user_id, amount) VALUES (4, 40)");
        write("INSERT INTO points_detail (id, user_id, amount) VALUES (100, 5, 50)");
        write("UPDATE points_detail SET amount = 51 WHERE user_id = 5 AND id = 100");
        assertThat(pair.countNew("points_detail")).as("nothing written to the new side directly").isZero();
        assertThat(stack.journalTable().read(0, 10)).extracting(JournalEntry::reason)
                .containsOnly(JournalEntry.Reason.CHANGE_LOG).hasSize(3);
        Repairer.builder(stack.dataSource().journal(), rowSync).owner("replayer").build().runOnce();
        assertThat(pair.queryNew("SELECT id, user_id, amount FROM points_detail ORDER BY id"))
                .isEqualTo(pair.queryOld("SELECT id, user_id, amount FROM points_detail ORDER BY id"));
        assertThat(pair.queryNew("SELECT amount FROM points_detail WHERE id = 100")).containsExactly(Map.of("amount", 51L));
        assertThat(stack.dataSource().journal().countByStatus().get(JournalEntry.Status.DONE)).isEqualTo(3);
        assertThat(List.of(stack.dataSource().stats().secondaryWrites())).containsExactly(0L);
    }
}
