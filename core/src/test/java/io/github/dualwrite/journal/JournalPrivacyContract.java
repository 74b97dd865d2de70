package io.github.dualwrite.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dualwrite.config.Side;
import io.github.dualwrite.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * What the journal table keeps of a write and for how long (issue 14, item 2): on H2 ({@code JournalPrivacyTest})
 * and MariaDB ({@code JournalPrivacyIT}).
 */
abstract class JournalPrivacyContract {

    static final String PII = "ssn-123-45-6789-pii@example.com";
    static final Instant T0 = Instant.parse("2026-11-21T08:00:00Z");
    private static final AtomicInteger TABLES = new AtomicInteger();

    /** An empty database in MySQL dialect. */
    abstract DataSource database();

    static JournalEntry written(Instant at, String key) {
        return JournalEntry.pending(at, "points", "points_detail", key, "[" + key + "]", JournalEntry.Operation.UPDATE,
                Side.NEW, "UPDATE points_detail SET note = '" + PII + "', amount = 4711 WHERE user_id = ?",
                "[100,10,\"" + PII + "\"]", JournalEntry.Reason.ERROR, "java.sql.SQLException",
                "Duplicate entry '" + PII + "' for key 'uk_note'");
    }

    JdbcJournal journal(JournalPolicy policy, MutableClock clock) {
        return new JdbcJournal(database(), "jp_" + TABLES.incrementAndGet(), policy, clock);
    }

    @Test
    void byDefaultOnlyWhatRepairNeedsIsKept() {
        JdbcJournal journal = journal(JournalPolicy.DEFAULTS, new MutableClock(T0));
        journal.record(List.of(written(T0, "7")));
        JournalEntry e = journal.read(0, 10).get(0);
        assertThat(List.of(e.unit(), e.table(), e.routingKey(), e.primaryKey())).containsExactly("points", "points_detail", "7", "[7]");
        assertThat(e.params()).isNull();
        assertThat(e.sql()).isEqualTo("UPDATE points_detail SET note = '?', amount = ? WHERE user_id = ?");
        assertThat(e.errorMessage()).isEqualTo("Duplicate entry '?' for key '?'");
        assertThat(e.describe()).doesNotContain(PII).doesNotContain("4711");
    }

    @Test
    void redactedKeepsTypesAndLengthsAndFullKeepsEverything() {
        JdbcJournal redacted = journal(JournalPolicy.DEFAULTS.withParams(JournalPolicy.Params.REDACTED), new MutableClock(T0));
        redacted.record(List.of(written(T0, "7")));
        assertThat(redacted.read(0, 10).get(0).params()).isEqualTo("[\"<number>\",\"<number>\",\"<text:" + PII.length() + ">\"]");
        JdbcJournal full = journal(JournalPolicy.DEFAULTS.withParams(JournalPolicy.Params.FULL), new MutableClock(T0));
        full.record(List.of(written(T0, "7")));
        assertThat(full.read(0, 10).get(0).params()).contains(PII);
        assertThat(full.read(0, 10).get(0).sql()).contains(PII);
    }

    @Test
    void aRedactorRunsLastAndCannotDropWhatRepairNeeds() {
        JournalPolicy hideSql = JournalPolicy.DEFAULTS.withParams(JournalPolicy.Params.FULL).withRedactor(e -> new JournalEntry(
                e.id(), e.entryId(), e.createdAt(), e.unit(), e.table(), e.routingKey(), e.primaryKey(), e.operation(),
                e.failedSide(), "<hidden>", null, e.reason(), e.errorClass(), null, e.status(), e.attempts(),
                e.nextAttemptAt(), e.leaseOwner(), e.leaseUntil(), e.detail()));
        JdbcJournal journal = journal(hideSql, new MutableClock(T0));
        journal.record(List.of(written(T0, "7")));
        assertThat(journal.read(0, 10).get(0).sql()).isEqualTo("<hidden>");
        JournalPolicy dropsKey = JournalPolicy.DEFAULTS.withRedactor(e -> new JournalEntry(e.id(), e.entryId(),
                e.createdAt(), e.unit(), e.table(), null, null, e.operation(), e.failedSide(), e.sql(), null, e.reason(),
                null, null, e.status(), e.attempts(), e.nextAttemptAt(), null, null, null));
        JdbcJournal guarded = journal(dropsKey, new MutableClock(T0));
        guarded.record(List.of(written(T0, "7")));
        assertThat(guarded.read(0, 10).get(0).routingKey()).isEqualTo("7");
        JdbcJournal throwing = journal(JournalPolicy.DEFAULTS.withParams(JournalPolicy.Params.FULL)
                .withRedactor(e -> { throw new IllegalStateException("redactor bug"); }), new MutableClock(T0));
        throwing.record(List.of(written(T0, "7")));
        assertThat(throwing.read(0, 10).get(0).params()).as("falls back to keys only").isNull();
    }

    @Test
    void conflictRowsKeepColumnsNotValues() {
        JdbcJournal journal = journal(JournalPolicy.DEFAULTS, new MutableClock(T0));
        journal.record(List.of(written(T0, "7")));
        JournalEntry claimed = journal.claim("r1", 10, T0, Duration.ofMinutes(1)).get(0);
        String detail = "{\"table\":\"points_detail\",\"from\":\"OLD\",\"rows\":[{\"key\":\"7\",\"OLD\":{\"note\":\"" + PII
                + "\",\"amount\":\"10\"},\"NEW\":null}]}";
        assertThat(journal.conflict(claimed.id(), "r1", "row differs: note was '" + PII + "'", detail)).isTrue();
        JournalEntry e = journal.read(0, 10).get(0);
        assertThat(e.detail()).doesNotContain(PII).contains("\"note\":\"?\"").contains("\"key\":\"7\"");
        assertThat(e.errorMessage()).doesNotContain(PII);
    }

    @Test
    void doneEntriesArePurgedAfterTheRetentionAndTheSizeShowsIt() {
        MutableClock clock = new MutableClock(T0);
        JdbcJournal journal = journal(JournalPolicy.DEFAULTS, clock);
        journal.record(List.of(written(T0, "1"), written(T0, "2")));
        JournalEntry first = journal.claim("r1", 1, T0, Duration.ofMinutes(1)).get(0);
        assertThat(journal.complete(List.of(first), "r1")).isEqualTo(1);
        assertThat(journal.stats().size()).isEqualTo(2);
        assertThat(journal.purgedCount()).isZero();

        clock.advance(Duration.ofDays(8));
        journal.record(List.of(written(clock.instant(), "3")));
        JournalEntry third = journal.claim("r1", 10, clock.instant(), Duration.ofMinutes(1)).stream()
                .filter(e -> "3".equals(e.routingKey())).findFirst().orElseThrow();
        journal.complete(List.of(third), "r1"); // runs the purge: DONE and written more than 7 days ago
        Journal.Stats stats = journal.stats();
        assertThat(journal.purgedCount()).isEqualTo(1);
        assertThat(stats.size()).as("entry 2 (unresolved) and 3 (done, recent) stay").isEqualTo(2);
        assertThat(stats.done()).isEqualTo(1);
        assertThat(journal.purgeDone(clock.instant().plusSeconds(1))).as("explicit purge takes the recent one").isEqualTo(1);
        assertThat(journal.stats().size()).isEqualTo(1);
        assertThat(journal.stats().pending()).as("unresolved entries are never purged").isEqualTo(1);
    }

    @Test
    void aBacklogAboveTheThresholdWarnsRateLimited() {
        MutableClock clock = new MutableClock(T0);
        JdbcJournal journal = journal(JournalPolicy.DEFAULTS.withBacklogWarnThreshold(2), clock);
        journal.record(List.of(written(T0, "1"), written(T0, "2")));
        journal.stats();
        assertThat(journal.backlogWarnings()).as("at the threshold: no warning").isZero();
        journal.record(List.of(written(T0, "3")));
        journal.stats();
        journal.pendingCount();
        assertThat(journal.backlogWarnings()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(6));
        journal.pendingCount();
        assertThat(journal.backlogWarnings()).isEqualTo(2);
    }
}
