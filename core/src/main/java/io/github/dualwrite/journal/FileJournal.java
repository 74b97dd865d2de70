package io.github.dualwrite.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal as an append-only file, one JSON entry per line, forced to disk before {@link #record}
 * returns. It is the fallback for when the journal table cannot be written (the database that holds it is
 * the one that is down); {@link FallbackJournal} moves its entries into the table once that is reachable.
 * A line cut short by a crash is skipped when reading.
 */
public final class FileJournal implements Journal {

    private static final Logger log = LoggerFactory.getLogger(FileJournal.class);

    private final Path file;
    private final AtomicLong lost = new AtomicLong();
    private final Listeners listeners = new Listeners();

    /** A journal in {@code file}; its directory is created when needed. */
    public FileJournal(Path file) {
        this.file = file.toAbsolutePath().normalize();
    }

    /** The file. */
    public Path file() {
        return file;
    }

    @Override
    public void record(List<JournalEntry> entries) {
        try {
            tryAppend(entries);
            listeners.recorded(entries);
        } catch (IOException | RuntimeException e) {
            for (JournalEntry entry : entries) {
                lost.incrementAndGet();
                log.error("dualwrite journal LOST an entry (file {} failed: {}): {}", file, e.getMessage(), entry.describe());
            }
        }
    }

    /** Appends the entries and forces them to disk, or throws. */
    public synchronized void tryAppend(List<JournalEntry> entries) throws IOException {
        if (entries.isEmpty()) {
            return;
        }
        StringBuilder lines = new StringBuilder();
        for (JournalEntry e : entries) {
            lines.append(EntryJson.write(e)).append('\n');
        }
        Files.createDirectories(file.getParent());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
    }

    /** Every complete entry in the file, oldest first. */
    public synchronized List<JournalEntry> readAll() throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        List<JournalEntry> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                out.add(EntryJson.read(line));
            } catch (IOException | RuntimeException e) {
                log.warn("dualwrite journal file {} line {} is not a complete entry (cut by a crash?); skipped: {}",
                        file, i + 1, line);
            }
        }
        return out;
    }

    /** Takes the file's entries somewhere else. */
    @FunctionalInterface
    interface Sink {
        void accept(List<JournalEntry> entries) throws Exception;
    }

    /**
     * Hands every entry to {@code sink} and empties the file once the sink accepted them, holding the file
     * throughout, so that an entry appended meanwhile is neither lost nor moved twice.
     *
     * @return how many entries were moved
     * @throws Exception what the sink threw; the file is left as it was
     */
    synchronized int drain(Sink sink) throws Exception {
        List<JournalEntry> entries = readAll();
        if (entries.isEmpty()) {
            return 0;
        }
        sink.accept(entries);
        clear();
        return entries.size();
    }

    /** Whether the file holds anything. */
    public boolean isEmpty() {
        try {
            return !Files.exists(file) || Files.size(file) == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Empties the file, once its entries are safely elsewhere. */
    public synchronized void clear() throws IOException {
        if (Files.exists(file)) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(0);
                channel.force(true);
            }
        }
    }

    @Override
    public long pendingCount() {
        try {
            return readAll().stream().filter(e -> e.status() == JournalEntry.Status.PENDING).count();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read journal file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<JournalEntry> read(long afterId, int limit) {
        try {
            List<JournalEntry> all = readAll();
            List<JournalEntry> out = new ArrayList<>();
            for (int i = 0; i < all.size() && out.size() < limit; i++) {
                if (i + 1 > afterId) {
                    out.add(all.get(i).withId(i + 1));
                }
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read journal file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long lostCount() {
        return lost.get();
    }

    /** A file journal is a fallback only: repair works from the table its entries are moved into. */
    @Override
    public List<JournalEntry> claim(String owner, int limit, java.time.Instant now, java.time.Duration lease) {
        throw new UnsupportedOperationException("the file journal " + file + " cannot be repaired from directly;"
                + " use a FallbackJournal or JdbcJournal, which moves its entries into the journal table");
    }

    @Override
    public int complete(java.util.Collection<JournalEntry> entries, String owner) {
        throw notRepairable();
    }

    @Override
    public boolean fail(long id, String owner, int attempts, java.time.Instant nextAttemptAt, boolean dead, String error) {
        throw notRepairable();
    }

    @Override
    public boolean conflict(long id, String owner, String reason, String detail) {
        throw notRepairable();
    }

    @Override
    public int resolve(String unit, String table, String routingKey, io.github.dualwrite.config.Side behind, String who,
                       java.time.Instant now) {
        throw notRepairable();
    }

    @Override
    public int retryDead(java.time.Instant now) {
        return 0; // entries in the file are all pending
    }

    private UnsupportedOperationException notRepairable() {
        return new UnsupportedOperationException("the file journal " + file + " cannot be repaired from directly;"
                + " use a FallbackJournal or JdbcJournal, which moves its entries into the journal table");
    }

    @Override
    public java.util.Map<JournalEntry.Status, Long> countByStatus() {
        java.util.Map<JournalEntry.Status, Long> out = JdbcJournal.emptyCounts();
        for (JournalEntry e : entries()) {
            out.merge(e.status(), 1L, Long::sum);
        }
        return out;
    }

    @Override
    public Journal.Stats stats() {
        java.util.Map<io.github.dualwrite.config.Side, Long> pending = new java.util.EnumMap<>(io.github.dualwrite.config.Side.class);
        java.time.Instant oldest = null;
        for (JournalEntry e : entries()) {
            pending.merge(e.failedSide(), 1L, Long::sum);
            oldest = oldest == null || e.createdAt().isBefore(oldest) ? e.createdAt() : oldest;
        }
        return new Journal.Stats(pending, 0, 0, 0, oldest);
    }

    @Override
    public List<Journal.UnresolvedGroup> unresolved() {
        return group(entries(), null, null);
    }

    @Override
    public List<Journal.UnresolvedGroup> unresolved(String unit, java.util.Collection<String> routingKeys,
                                            io.github.dualwrite.config.Side behind) {
        List<Journal.UnresolvedGroup> out = new ArrayList<>();
        for (Journal.UnresolvedGroup g : group(entries(), unit, routingKeys)) {
            if (g.behind() == behind) {
                out.add(g); // the file holds pending entries only
            }
        }
        return out;
    }

    /** Entries grouped like the table does it, optionally only those of some users of a unit. */
    static List<Journal.UnresolvedGroup> group(List<JournalEntry> entries, String unit, java.util.Collection<String> keys) {
        java.util.Map<List<Object>, Journal.UnresolvedGroup> groups = new java.util.LinkedHashMap<>();
        for (JournalEntry e : entries) {
            if (!e.status().unresolved() || unit != null && (!unit.equals(e.unit()) || !keys.contains(e.routingKey()))) {
                continue;
            }
            List<Object> id = java.util.Arrays.asList(e.unit(), e.table(), e.routingKey(), e.failedSide(), e.status());
            groups.merge(id, new Journal.UnresolvedGroup(e.unit(), e.table(), e.routingKey(), e.failedSide(), e.status(), 1,
                    e.createdAt()), (a, b) -> new Journal.UnresolvedGroup(a.unit(), a.table(), a.routingKey(), a.behind(),
                    a.status(), a.count() + b.count(), a.oldest().isBefore(b.oldest()) ? a.oldest() : b.oldest()));
        }
        return new ArrayList<>(groups.values());
    }

    @Override
    public void addListener(Journal.Listener listener) {
        listeners.add(listener);
    }

    private List<JournalEntry> entries() {
        try {
            return readAll();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read journal file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        // nothing is held open between appends
    }
}
