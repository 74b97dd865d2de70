package io.github.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.ids.SegmentSequence;
import io.github.dualwrite.journal.JdbcJournal;
import io.github.dualwrite.journal.JournalEntry;
import io.github.dualwrite.journal.JournalPolicy;
import io.github.dualwrite.testing.DbPair;
import io.github.dualwrite.testing.FaultyDataSource;
import io.github.dualwrite.testing.FaultyDataSource.Fault;
import io.github.dualwrite.testing.Stack;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The secondary writes a transaction keeps until its commit are bounded by bytes (issue 14, item 5): past
 * {@code maxBufferedSecondaryBytes} the rest is kept by key only, and a failed secondary commit still journals
 * every row the caller was told was written.
 */
class TxBufferCapTest {

    @Test
    void pastTheCapWritesAreKeptByKeyAndEveryRowIsJournaledWhenTheSecondaryCommitFails() throws Exception {
        try (DbPair pair = DbPair.h2("txcap")) {
            FaultyDataSource newSide = FaultyDataSource.wrap(pair.newDataSource());
            JdbcJournal journal = new JdbcJournal(pair.oldDataSource(), JdbcJournal.DEFAULT_TABLE,
                    JournalPolicy.DEFAULTS.withParams(JournalPolicy.Params.FULL));
            MigrationControl control = MigrationControl.start(Stack.config(Stage.DUAL_WRITE, Stage.DUAL_WRITE, 0,
                    MigrationConfig.UnkeyedPolicy.EXECUTE_BOTH), "test");
            long cap = 64 * 1024;
            try (DualWriteDataSource ds = DualWriteDataSource.builder().oldDataSource(pair.oldDataSource())
                    .newDataSource(newSide.dataSource()).control(control).journal(journal)
                    .sequence(SegmentSequence.builder(pair.shard(0)).build()).clock(Clock.systemUTC())
                    .maxBufferedSecondaryBytes(cap).build()) {
                try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO points_detail (id, user_id, amount) VALUES (?, 7, 1)")) {
                    for (int id = 1; id <= 100; id++) {
                        ps.setLong(1, id);
                        ps.executeUpdate();
                    }
                }
                Set<Long> toldWritten = new TreeSet<>();
                String note = "n".repeat(5_000);
                try (Connection c = ds.getConnection()) {
                    c.setAutoCommit(false);
                    // a 5 KB parameter per write (compared, not stored: the column holds 255 characters)
                    try (PreparedStatement ps = c.prepareStatement("UPDATE points_detail SET amount = amount + 1"
                            + " WHERE id = ? AND user_id = 7 AND (note IS NULL OR note <> ?)")) {
                        for (long id = 1; id <= 100; id++) {
                            ps.setLong(1, id);
                            ps.setString(2, note);
                            assertThat(ps.executeUpdate()).isEqualTo(1);
                            toldWritten.add(id);
                        }
                    }
                    newSide.set(Fault.COMMIT);
                    c.commit(); // the authority commits; the secondary's failure is journaled, never thrown
                }
                newSide.set(Fault.NONE);
                List<JournalEntry> entries = journal.read(0, 1_000);
                assertThat(entries).allSatisfy(e -> {
                    assertThat(e.reason()).isEqualTo(JournalEntry.Reason.COMMIT_FAILED);
                    assertThat(e.routingKey()).isEqualTo("7");
                });
                Set<Long> journaled = entries.stream().map(e -> Long.parseLong(e.primaryKey().replaceAll("[\\[\\]]", "")))
                        .collect(Collectors.toCollection(TreeSet::new));
                assertThat(journaled).as("every row the caller was told was written is journaled").isEqualTo(toldWritten);
                long withValues = entries.stream().filter(e -> e.params() != null).count();
                assertThat(withValues).as("writes kept whole, within the cap").isBetween(1L, cap / 5_000);
                assertThat(entries.size() - withValues).as("writes kept by key past the cap").isPositive();
                assertThat(pair.countOld("points_detail")).isEqualTo(100);
            }
        }
    }

    @Test
    void theCapIsValidated() {
        assertThatThrownBy(() -> DualWriteDataSource.builder().maxBufferedSecondaryBytes(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBufferedSecondaryBytes");
    }
}
