package io.github.dualwrite.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dualwrite.config.Side;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The journal table's DDL and round trip: on H2 ({@code JournalTableTest}) and MariaDB ({@code JournalTableIT}). */
abstract class JournalTableContract {

    /** An empty database in MySQL dialect. */
    abstract DataSource database();

    private static JournalEntry entry(String key) {
        return JournalTest.entry(key);
    }

    @Test
    void theTableJournalStoresReadsAndCountsEntries() {
        DataSource ds = database();
        JdbcJournal journal = new JdbcJournal(ds);
        journal.record(List.of(entry("1"), entry("2")));
        assertThat(journal.pendingCount()).isEqualTo(2);
        List<JournalEntry> read = journal.read(0, 10);
        assertThat(read).hasSize(2);
        JournalEntry first = read.get(0);
        assertThat(first.id()).isPositive();
        assertThat(first.routingKey()).isEqualTo("1");
        assertThat(first.failedSide()).isEqualTo(Side.NEW);
        assertThat(first.reason()).isEqualTo(JournalEntry.Reason.ERROR);
        assertThat(first.createdAt()).isEqualTo(Instant.parse("2026-11-21T08:00:00Z"));
        assertThat(first.params()).isEqualTo("[1,\"1\"]");
        assertThat(journal.read(first.id(), 10)).extracting(JournalEntry::routingKey).containsExactly("2");
        assertThat(journal.lostCount()).isZero();
    }
}
