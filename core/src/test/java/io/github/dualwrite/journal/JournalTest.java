package io.github.dualwrite.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dualwrite.config.Side;
import io.github.dualwrite.testing.FaultyDataSource;
import io.github.dualwrite.testing.FaultyDataSource.Fault;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {

    @TempDir
    Path dir;

    static JournalEntry entry(String key) {
        return JournalEntry.pending(Instant.parse("2026-11-21T08:00:00Z"), "points", "points_detail", key, "[1]",
                JournalEntry.Operation.UPDATE, Side.NEW, "UPDATE points_detail SET amount = ? WHERE user_id = ?", "[1,\"" + key + "\"]",
                JournalEntry.Reason.ERROR, "java.sql.SQLException", "boom");
    }

    static DataSource h2(String name, String mode) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1;MODE=" + mode);
        return ds;
    }

    @Test
    void theJournalTableDdlRunsOnPostgresqlSyntax() throws Exception {
        DataSource pg = h2("journal_pg", "PostgreSQL");
        try (Connection c = pg.getConnection(); Statement s = c.createStatement()) {
            for (String ddl : JournalSchema.create("PostgreSQL", "dualwrite_journal")) {
                s.execute(ddl);
            }
            for (String ddl : JournalSchema.create("PostgreSQL", "dualwrite_journal")) {
                s.execute(ddl); // IF NOT EXISTS: starting twice is harmless
            }
        }
    }

    /**
     * The file's drain moves entries into the table: a table that hangs must not hold the file, or every business
     * call that falls back to the file waits for that database too (seen: 10 s stalls while the old side hung).
     */
    @Test
    void appendsGoOnWhileADrainWaitsForItsDatabaseAndStayInTheFile() throws Exception {
        FileJournal file = new FileJournal(dir.resolve("drain.jsonl"));
        file.tryAppend(List.of(entry("1"), entry("2")));
        java.util.concurrent.CountDownLatch inSink = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        List<JournalEntry> moved = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.Future<Integer> drain = pool.submit(() -> file.drain(entries -> {
                moved.addAll(entries);
                inSink.countDown();
                release.await(); // a table that stopped answering
            }));
            assertThat(inSink.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            java.util.concurrent.Future<?> append = pool.submit(() -> {
                file.tryAppend(List.of(entry("3")));
                return null;
            });
            io.github.dualwrite.testing.Poll.until(java.time.Duration.ofSeconds(10), append::isDone);
            append.get();
            int second = file.drain(entries -> {
                throw new AssertionError("a second drain ran while one was under way");
            });
            assertThat(second).isZero();
            release.countDown();
            assertThat(drain.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(2);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
        assertThat(moved).extracting(JournalEntry::routingKey).containsExactly("1", "2");
        assertThat(file.readAll()).as("appended during the drain, not moved").extracting(JournalEntry::routingKey)
                .containsExactly("3");
        int rest = file.drain(entries -> { });
        assertThat(rest).isEqualTo(1);
        assertThat(file.isEmpty()).isTrue();
    }

    /** A table write that hung stores its entry late, while the file (where it went meanwhile) is replayed. */
    @Test
    void aReplayRacingTheLateStoreOfOneOfItsEntriesStoresEachOnce() throws Exception {
        FaultyDataSource faulty = FaultyDataSource.wrap(h2("journal_race", "MySQL"));
        JdbcJournal table = new JdbcJournal(faulty.dataSource());
        table.createIfAbsent();
        JournalEntry late = entry("1");
        java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
        faulty.afterSuccess(sql -> {
            if (sql.startsWith("SELECT 1 FROM") && once.compareAndSet(false, true)) {
                try {
                    table.tryRecord(List.of(late)); // after the replay's check, before its insert
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        table.replay(List.of(late, entry("2")));
        assertThat(once).isTrue();
        assertThat(table.read(0, 10)).extracting(JournalEntry::routingKey).containsExactlyInAnyOrder("1", "2");
    }

    @Test
    void aDrainWhoseTableFailsLeavesTheFileAsItWas() throws Exception {
        FileJournal file = new FileJournal(dir.resolve("failed.jsonl"));
        file.tryAppend(List.of(entry("1"), entry("2")));
        java.sql.SQLException down = new java.sql.SQLException("table down");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> file.drain(entries -> {
            throw down;
        })).isSameAs(down);
        assertThat(file.readAll()).extracting(JournalEntry::routingKey).containsExactly("1", "2");
    }

    @Test
    void theFileJournalSurvivesARestartAndSkipsALineCutByACrash() throws Exception {
        Path file = dir.resolve("j/journal.jsonl");
        new FileJournal(file).record(List.of(entry("1"), entry("2")));
        Files.writeString(file, "{\"entryId\":\"cut-by-cra", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        FileJournal restarted = new FileJournal(file);
        assertThat(restarted.readAll()).extracting(JournalEntry::routingKey).containsExactly("1", "2");
        assertThat(restarted.pendingCount()).isEqualTo(2);
        assertThat(restarted.read(1, 10)).extracting(JournalEntry::id).containsExactly(2L);
        restarted.tryAppend(List.of(entry("3")));
        assertThat(restarted.readAll()).as("the entry appended after the cut line is whole")
                .extracting(JournalEntry::routingKey).containsExactly("1", "2", "3");
        restarted.clear();
        assertThat(restarted.isEmpty()).isTrue();
    }

    @Test
    void theFallbackJournalUsesTheFileWhileTheTableIsDownAndMovesItBack() throws Exception {
        FaultyDataSource faulty = FaultyDataSource.wrap(h2("journal_fallback", "MySQL"));
        java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong(5);
        FallbackJournal journal = new FallbackJournal(new JdbcJournal(faulty.dataSource()),
                new FileJournal(dir.resolve("fallback.jsonl")), nanos::get, w -> { });
        faulty.set(Fault.DOWN);
        journal.record(List.of(entry("1")));
        faulty.set(Fault.NONE);
        journal.record(List.of(entry("2")));
        assertThat(journal.fileFallbackCount()).as("the table is skipped during its cool-down").isEqualTo(2);
        assertThat(journal.lostCount()).isZero();
        nanos.addAndGet(java.util.concurrent.TimeUnit.SECONDS.toNanos(1));
        journal.record(List.of(entry("3")));
        // the file moves back in the background, not on the recording thread
        io.github.dualwrite.testing.Poll.until(java.time.Duration.ofSeconds(20),
                () -> new FileJournal(dir.resolve("fallback.jsonl")).isEmpty());
        assertThat(journal.read(0, 10)).extracting(JournalEntry::routingKey).containsExactlyInAnyOrder("1", "2", "3");
        assertThat(journal.replayFile()).isZero();
        assertThat(journal.pendingCount()).isEqualTo(3);
    }

    @Test
    void aHungJournalTableCostsOneBoundedWaitThenIsCheckedInTheBackground() throws Exception {
        FaultyDataSource faulty = FaultyDataSource.wrap(h2("journal_hang", "MySQL"));
        java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong(5);
        JdbcJournal table = new JdbcJournal(faulty.dataSource());
        table.createIfAbsent();
        FallbackJournal journal = new FallbackJournal(table, new FileJournal(dir.resolve("hang.jsonl")), nanos::get,
                w -> { });
        faulty.set(Fault.HANG);
        journal.record(List.of(entry("1"))); // waits for the table at most 2 s, then the file
        journal.record(List.of(entry("2"))); // the table is not tried during the cool-down
        nanos.addAndGet(java.util.concurrent.TimeUnit.SECONDS.toNanos(1));
        journal.record(List.of(entry("3"))); // after it neither: a journal worker checks the table
        assertThat(journal.tableTries()).as("table writes a caller waited for").isEqualTo(1);
        assertThat(journal.fileFallbackCount()).isEqualTo(3);
        io.github.dualwrite.testing.Poll.until(java.time.Duration.ofSeconds(20), () -> faulty.hanging() == 2);
        journal.record(List.of(entry("4"))); // the check hangs: nobody else tries the table meanwhile
        assertThat(faulty.hanging()).isEqualTo(2);
        faulty.set(Fault.NONE);
        // the check answered: the file moves into the table, which takes the next entries again
        io.github.dualwrite.testing.Poll.until(java.time.Duration.ofSeconds(20),
                () -> new FileJournal(dir.resolve("hang.jsonl")).isEmpty() && table.pendingCount() == 4);
        journal.record(List.of(entry("5")));
        assertThat(journal.tableTries()).isEqualTo(2);
        assertThat(journal.read(0, 10)).extracting(JournalEntry::routingKey)
                .containsExactlyInAnyOrder("1", "2", "3", "4", "5");
        assertThat(journal.lostCount()).isZero();
    }

    @Test
    void aSuspectedTableIsNotTriedByACallerUntilItsBackgroundCheckAnswers() throws Exception {
        java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong(5);
        JdbcJournal table = new JdbcJournal(h2("journal_suspect", "MySQL"));
        table.createIfAbsent();
        FallbackJournal journal = new FallbackJournal(table, new FileJournal(dir.resolve("suspect.jsonl")), nanos::get,
                w -> { });
        journal.suspect(); // the database it lives on just timed out for the engine
        journal.record(List.of(entry("1")));
        assertThat(journal.tableTries()).isZero();
        assertThat(journal.fileFallbackCount()).isEqualTo(1);
        nanos.addAndGet(java.util.concurrent.TimeUnit.SECONDS.toNanos(1));
        journal.record(List.of(entry("2"))); // to the file; the check finds the table healthy and moves the file
        io.github.dualwrite.testing.Poll.until(java.time.Duration.ofSeconds(20),
                () -> new FileJournal(dir.resolve("suspect.jsonl")).isEmpty() && table.pendingCount() == 2);
        journal.record(List.of(entry("3")));
        assertThat(journal.tableTries()).isEqualTo(1);
        assertThat(journal.fileFallbackCount()).isEqualTo(2);
        assertThat(table.pendingCount()).isEqualTo(3);
    }

    @Test
    void whileTheTableIsDownTheFallbackWarnsAtMostEveryTenSecondsWithTheCount() throws Exception {
        FaultyDataSource faulty = FaultyDataSource.wrap(h2("journal_warn", "MySQL"));
        java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong(5);
        List<String> warnings = new java.util.ArrayList<>();
        FallbackJournal journal = new FallbackJournal(new JdbcJournal(faulty.dataSource()),
                new FileJournal(dir.resolve("warn.jsonl")), nanos::get, warnings::add);
        faulty.set(Fault.DOWN);
        journal.record(List.of(entry("1")));
        journal.record(List.of(entry("2"), entry("3")));
        nanos.addAndGet(java.util.concurrent.TimeUnit.SECONDS.toNanos(9));
        journal.record(List.of(entry("4")));
        assertThat(warnings).singleElement().asString().contains("1 entries kept in");
        nanos.addAndGet(java.util.concurrent.TimeUnit.SECONDS.toNanos(1));
        journal.record(List.of(entry("5")));
        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(1)).contains("4 entries kept in").contains("warned at most every 10 s");
        assertThat(journal.fileFallbackCount()).isEqualTo(5);
    }

    @Test
    void replayingTheSameEntriesTwiceStoresThemOnce() throws Exception {
        JdbcJournal table = new JdbcJournal(h2("journal_replay", "MySQL"));
        List<JournalEntry> entries = List.of(entry("1"), entry("2"));
        table.replay(entries);
        table.replay(entries);
        assertThat(table.pendingCount()).isEqualTo(2);
    }

    @Test
    void whenTableAndFileBothFailTheEntryIsLoggedAndCountedNotThrown() throws Exception {
        FaultyDataSource faulty = FaultyDataSource.wrap(h2("journal_lost", "MySQL")).set(Fault.DOWN);
        Path notADirectory = dir.resolve("blocker");
        Files.writeString(notADirectory, "a file where the journal's directory should be");
        FallbackJournal journal = new FallbackJournal(new JdbcJournal(faulty.dataSource()),
                new FileJournal(notADirectory.resolve("journal.jsonl")));
        journal.record(List.of(entry("1"), entry("2")));
        assertThat(journal.lostCount()).isEqualTo(2);
    }
}
