package io.github.dualwrite.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dualwrite.config.Side;
import java.time.Duration;
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
        JdbcJournal journal = new JdbcJournal(ds, JdbcJournal.DEFAULT_TABLE,
                JournalPolicy.DEFAULTS.withParams(JournalPolicy.Params.FULL)); // every field round-trips
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

    @Test
    void anOutageEntryIsNotDueWhileItsOwnerRenewsItAndOnlyItsOwnerClosesItBeforeARepairerTakesIt() {
        JdbcJournal journal = new JdbcJournal(database(), "outage_journal", JournalPolicy.DEFAULTS);
        Instant now = Instant.parse("2026-11-30T08:00:00Z");
        Duration lease = Duration.ofSeconds(60);
        JournalEntry outage = JournalEntry.outage(now, "points", Side.NEW, "pid@host", now.plus(lease));
        assertThat(journal.openOutage(outage)).isTrue();
        assertThat(journal.claim("repairer", 10, now.plusSeconds(30), lease)).as("not due while leased").isEmpty();
        assertThat(journal.renewOutage(outage, now.plusSeconds(90))).isTrue();
        assertThat(journal.claim("repairer", 10, now.plusSeconds(75), lease)).as("the renew moved it on").isEmpty();
        List<JournalEntry> taken = journal.claim("repairer", 10, now.plusSeconds(91), lease);
        assertThat(taken).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(JournalEntry.Reason.OUTAGE);
            assertThat(e.table()).isEqualTo(JournalEntry.EVERY_TABLE);
            assertThat(e.routingKey()).isNull();
        });
        assertThat(journal.renewOutage(outage, now.plusSeconds(200))).as("a repairer holds it").isFalse();
        assertThat(journal.closeOutage(outage)).as("the repairer verifies and closes it").isFalse();
        assertThat(journal.pendingCount()).isEqualTo(1);

        JournalEntry second = JournalEntry.outage(now, "points", Side.NEW, "pid@host", now.plus(lease));
        assertThat(journal.openOutage(second)).isTrue();
        assertThat(journal.closeOutage(second)).isTrue();
        assertThat(journal.closeOutage(second)).as("once").isFalse();
        assertThat(journal.read(0, 10)).filteredOn(e -> e.entryId().equals(second.entryId())).singleElement()
                .satisfies(e -> assertThat(e.status()).isEqualTo(JournalEntry.Status.DONE));
    }

    @Test
    void aFileCannotKeepAnOutageEntry(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        Instant now = Instant.parse("2026-11-30T08:00:00Z");
        try (FileJournal file = new FileJournal(dir.resolve("j.jsonl"))) {
            assertThat(file.openOutage(JournalEntry.outage(now, "points", Side.NEW, "me", now.plusSeconds(60))))
                    .as("no repairer claims from a file: its writer journals entry by entry").isFalse();
            assertThat(file.pendingCount()).isZero();
        }
    }
}
