package io.github.dualwrite.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal's privacy on H2, and the file journal: owner-only files, default location, streamed reads. */
class JournalPrivacyTest extends JournalPrivacyContract {

    private static final DataSource H2 = JournalTest.h2("journal_privacy", "MySQL");

    @TempDir
    Path dir;

    @Override
    DataSource database() {
        return H2;
    }

    @Test
    void theFileJournalKeepsWhatThePolicySaysInOwnerOnlyFiles() throws Exception {
        Path file = dir.resolve("a/b/journal.jsonl");
        FileJournal journal = new FileJournal(file);
        journal.record(List.of(written(T0, "7")));
        assertThat(Files.readString(file)).doesNotContain(PII).contains("\"routingKey\":\"7\"");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b")))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a")))).isEqualTo("rwx------");

        Path shared = dir.resolve("shared.jsonl");
        Files.writeString(shared, "");
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rw-r--r--"));
        new FileJournal(shared).record(List.of(written(T0, "8")));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(shared))).isEqualTo("rw-------");
    }

    @Test
    void theDefaultFileIsInADocumentedPlaceNeverTheWorkingDirectory() {
        String before = System.getProperty(FileJournal.DIR_PROPERTY);
        try {
            System.clearProperty(FileJournal.DIR_PROPERTY);
            assertThat(FileJournal.defaultFile()).isEqualTo(Path.of(System.getProperty("user.home"), ".dualwrite", "journal",
                    "journal.jsonl").toAbsolutePath());
            System.setProperty(FileJournal.DIR_PROPERTY, dir.toString());
            assertThat(FileJournal.defaultFile()).isEqualTo(dir.resolve("journal.jsonl"));
        } finally {
            if (before == null) {
                System.clearProperty(FileJournal.DIR_PROPERTY);
            } else {
                System.setProperty(FileJournal.DIR_PROPERTY, before);
            }
        }
    }

    @Test
    void theFileIsMovedInChunksNeverReadWhole() throws Exception {
        FileJournal journal = new FileJournal(dir.resolve("big.jsonl"));
        List<JournalEntry> entries = new ArrayList<>();
        for (int i = 0; i < 1_234; i++) {
            entries.add(written(T0, Integer.toString(i)));
        }
        journal.record(entries);
        assertThat(journal.pendingCount()).isEqualTo(1_234);
        assertThat(journal.read(1_230, 10)).extracting(JournalEntry::routingKey).containsExactly("1230", "1231", "1232", "1233");
        List<Integer> chunks = new ArrayList<>();
        assertThat(journal.drain(chunk -> chunks.add(chunk.size()))).isEqualTo(1_234);
        assertThat(chunks).containsExactly(FileJournal.DRAIN_CHUNK, FileJournal.DRAIN_CHUNK, 234);
        assertThat(journal.isEmpty()).isTrue();

        journal.record(entries.subList(0, 600));
        List<Integer> partial = new ArrayList<>();
        try {
            journal.drain(chunk -> {
                partial.add(chunk.size());
                if (partial.size() == 2) {
                    throw new SQLException("table down");
                }
            });
            throw new AssertionError("the sink failure was not passed on");
        } catch (SQLException expected) {
            assertThat(journal.pendingCount()).as("nothing removed when the sink fails").isEqualTo(600);
        }
    }

    @Test
    void aLostEntryIsLoggedWithoutItsValues() {
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        DataSource down = (DataSource) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    throw new SQLException("journal database down");
                });
        JdbcJournal journal = new JdbcJournal(down, "jp_lost");
        FallbackJournal both = new FallbackJournal(new JdbcJournal(down, "jp_lost2"),
                new FileJournal(dir.resolve("not-a-dir.jsonl").resolve("journal.jsonl")));
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            Files.writeString(dir.resolve("not-a-dir.jsonl"), "a file where the folder should be");
            journal.record(List.of(written(T0, "7")));
            both.record(List.of(written(T0, "8")));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        } finally {
            System.setErr(stderr);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(journal.lostCount()).isEqualTo(1);
        assertThat(both.lostCount()).isEqualTo(1);
        assertThat(log).contains("key=8");
        assertThat(log).contains("LOST").contains("key=7").doesNotContain(PII).doesNotContain("4711");
        // the engine's WARN summary of failed secondary writes quotes driver messages the same way
        assertThat(JournalPolicy.withoutValues("Duplicate entry '" + PII + "' for key 'uk_note'"))
                .isEqualTo("Duplicate entry '?' for key '?'");
    }
}
