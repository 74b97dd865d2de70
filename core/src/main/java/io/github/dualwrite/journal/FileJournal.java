package io.github.dualwrite.journal;

import io.github.dualwrite.config.Side;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal as an append-only file, one JSON entry per line, forced to disk before {@link #record}
 * returns. It is the fallback for when the journal table cannot be written (the database that holds it is
 * the one that is down); {@link FallbackJournal} moves its entries into the table once that is reachable.
 * A line cut short by a crash is skipped when reading.
 *
 * <p>The file and the folders it creates are the owner's only (0600 and 0700 where the file system has POSIX
 * permissions). Entries are kept as its {@link JournalPolicy} says. The file is read line by line, never whole:
 * counts and reads use memory bounded by one entry (or one {@link #DRAIN_CHUNK} when moving entries).
 */
public final class FileJournal implements Journal {

    /** Entries moved into the table per step of a replay. */
    static final int DRAIN_CHUNK = 500;
    /** The system property naming the default folder of the fallback file. */
    public static final String DIR_PROPERTY = "dualwrite.journal.dir";

    private static final Logger log = LoggerFactory.getLogger(FileJournal.class);
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

    private final Path file;
    private final JournalPolicy policy;
    private final AtomicLong lost = new AtomicLong();
    private final Listeners listeners = new Listeners();

    /** A journal in {@code file} with {@code policy}; its folders are created when needed, owner-only. */
    public FileJournal(Path file, JournalPolicy policy) {
        this.file = file.toAbsolutePath().normalize();
        this.policy = java.util.Objects.requireNonNull(policy, "policy");
    }

    /** A journal in {@code file} with {@link JournalPolicy#DEFAULTS}. */
    public FileJournal(Path file) {
        this(file, JournalPolicy.DEFAULTS);
    }

    /**
     * Where the fallback file goes when nobody says: {@code journal.jsonl} in the folder named by the system
     * property {@value #DIR_PROPERTY}, else in {@code ~/.dualwrite/journal} (the home of the user the application
     * runs as; never the working directory, which is often shared or world-readable).
     */
    public static Path defaultFile() {
        String dir = System.getProperty(DIR_PROPERTY);
        Path folder = dir != null && !dir.isBlank() ? Path.of(dir)
                : Path.of(System.getProperty("user.home"), ".dualwrite", "journal");
        return folder.resolve("journal.jsonl").toAbsolutePath().normalize();
    }

    /** The file. */
    public Path file() {
        return file;
    }

    @Override
    public void record(List<JournalEntry> entries) {
        List<JournalEntry> kept = applyPolicy(entries);
        try {
            append(kept);
            listeners.recorded(kept);
        } catch (IOException | RuntimeException e) {
            for (JournalEntry entry : kept) {
                lost.incrementAndGet();
                log.error("dualwrite journal LOST an entry (file {} failed: {}): {}", file, e.getMessage(), entry.describe());
            }
        }
    }

    /** Appends the entries (as the policy keeps them) and forces them to disk, or throws. */
    public void tryAppend(List<JournalEntry> entries) throws IOException {
        append(applyPolicy(entries));
    }

    private List<JournalEntry> applyPolicy(List<JournalEntry> entries) {
        List<JournalEntry> out = new ArrayList<>(entries.size());
        for (JournalEntry e : entries) {
            out.add(policy.apply(e));
        }
        return out;
    }

    private synchronized void append(List<JournalEntry> entries) throws IOException {
        if (entries.isEmpty()) {
            return;
        }
        StringBuilder lines = new StringBuilder();
        for (JournalEntry e : entries) {
            lines.append(EntryJson.write(e)).append('\n');
        }
        boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
        createFolders(file.getParent(), posix);
        boolean isNew = !Files.exists(file);
        if (isNew && posix) {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_FILE));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another process created it meanwhile: its permissions are checked below
            }
        }
        if (posix) {
            ownerOnly(file);
        }
        if (!endsWithNewLine(file)) {
            lines.insert(0, '\n'); // a line cut by a crash must not swallow the first entry appended after it
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
    }

    private static boolean endsWithNewLine(Path file) throws IOException {
        if (!Files.exists(file) || Files.size(file) == 0) {
            return true;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer last = ByteBuffer.allocate(1);
            channel.read(last, channel.size() - 1);
            return last.get(0) == '\n';
        }
    }

    private static void createFolders(Path dir, boolean posix) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (posix) {
            FileAttribute<Set<PosixFilePermission>> attribute = PosixFilePermissions.asFileAttribute(OWNER_DIR);
            Files.createDirectories(dir, attribute); // the umask may clear bits, never add them
        } else {
            Files.createDirectories(dir);
        }
    }

    /** A file others can read is made the owner's only (once, with a WARN), as the journal may hold keys. */
    private void ownerOnly(Path path) throws IOException {
        Set<PosixFilePermission> now = Files.getPosixFilePermissions(path);
        if (!OWNER_FILE.containsAll(now)) {
            Files.setPosixFilePermissions(path, OWNER_FILE);
            log.warn("dualwrite journal file {} was readable by others ({}); it is now the owner's only (rw-------)",
                    path, PosixFilePermissions.toString(now));
        }
    }

    /** What this journal keeps and for how long. */
    public JournalPolicy policy() {
        return policy;
    }

    /**
     * Every complete entry in the file, oldest first. Loads them all: for tools and tests; the journal itself
     * reads the file line by line.
     */
    public synchronized List<JournalEntry> readAll() throws IOException {
        List<JournalEntry> out = new ArrayList<>();
        forEach(out::add);
        return out;
    }

    /** Hands every complete entry to {@code action}, line by line, oldest first. */
    private synchronized void forEach(Consumer<JournalEntry> action) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            readLines(reader, action);
        } catch (NoSuchFileException e) {
            // nothing journaled yet
        }
    }

    private void readLines(BufferedReader reader, Consumer<JournalEntry> action) throws IOException {
        String line;
        int number = 0;
        while ((line = reader.readLine()) != null) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            JournalEntry entry;
            try {
                entry = EntryJson.read(line);
            } catch (IOException | RuntimeException e) {
                log.warn("dualwrite journal file {} line {} is not a complete entry (cut by a crash?); skipped"
                        + " ({} characters)", file, number, line.length());
                continue;
            }
            action.accept(entry);
        }
    }

    /** Takes the file's entries somewhere else. */
    @FunctionalInterface
    interface Sink {
        void accept(List<JournalEntry> entries) throws Exception;
    }

    /**
     * Hands every entry to {@code sink}, {@link #DRAIN_CHUNK} at a time, then cuts the entries it took from the
     * file. The sink runs without the file's lock (it writes to a database, which may hang): appends go on
     * meanwhile, after the part being moved, and stay in the file. One drain at a time: another one finding a
     * drain under way returns 0 at once. When the sink fails half-way the file is left as it was: the sink must
     * accept an entry twice (the table skips entry ids it holds).
     *
     * @return how many entries were moved
     * @throws Exception what the sink threw; the file is left as it was
     */
    int drain(Sink sink) throws Exception {
        if (!draining.tryLock()) {
            return 0;
        }
        try {
            long taken;
            synchronized (this) {
                taken = Files.exists(file) ? Files.size(file) : 0; // whole lines: appends write them under this lock
            }
            if (taken == 0) {
                return 0;
            }
            List<JournalEntry> chunk = new ArrayList<>(DRAIN_CHUNK);
            int[] moved = {0};
            try {
                forEachUpTo(taken, e -> {
                    chunk.add(e);
                    if (chunk.size() == DRAIN_CHUNK) {
                        handOver(sink, chunk, moved);
                    }
                });
                if (!chunk.isEmpty()) {
                    handOver(sink, chunk, moved);
                }
            } catch (SinkFailed failed) {
                throw failed.cause;
            }
            cut(taken);
            return moved[0];
        } finally {
            draining.unlock();
        }
    }

    /** Held by the one drain under way (never while waiting for the file's own lock to be given back). */
    private final java.util.concurrent.locks.ReentrantLock draining = new java.util.concurrent.locks.ReentrantLock();

    /** The complete entries in the file's first {@code bytes} bytes, oldest first, read without the file's lock. */
    private void forEachUpTo(long bytes, Consumer<JournalEntry> action) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(file);
             BufferedReader reader = new BufferedReader(new java.io.InputStreamReader(new Prefix(in, bytes),
                     StandardCharsets.UTF_8))) {
            readLines(reader, action);
        }
    }

    /** Removes the file's first {@code bytes} bytes (entries moved elsewhere), keeping what was appended after. */
    private synchronized void cut(long bytes) throws IOException {
        long size = Files.exists(file) ? Files.size(file) : 0;
        if (size < bytes) {
            return; // emptied meanwhile (clear): what is there now was never handed over
        }
        if (size == bytes) {
            clear();
            return;
        }
        Path rest = file.resolveSibling(file.getFileName() + ".rest");
        try (FileChannel from = FileChannel.open(file, StandardOpenOption.READ);
             FileChannel to = FileChannel.open(rest, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING)) {
            long at = bytes;
            while (at < size) {
                at += from.transferTo(at, size - at, to);
            }
            to.force(true);
        }
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(rest, OWNER_FILE);
        }
        Files.move(rest, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The first {@code limit} bytes of a stream. */
    private static final class Prefix extends java.io.FilterInputStream {
        private long left;

        Prefix(java.io.InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }

    private static void handOver(Sink sink, List<JournalEntry> chunk, int[] moved) {
        try {
            sink.accept(List.copyOf(chunk));
        } catch (Exception e) {
            throw new SinkFailed(e);
        }
        moved[0] += chunk.size();
        chunk.clear();
    }

    /** Stops reading the file when the sink fails. */
    private static final class SinkFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Exception cause;

        SinkFailed(Exception cause) {
            super(null, null, false, false);
            this.cause = cause;
        }
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
        if (isEmpty()) {
            return 0;
        }
        long[] n = {0};
        each(e -> n[0] += e.status() == JournalEntry.Status.PENDING ? 1 : 0);
        return n[0];
    }

    @Override
    public List<JournalEntry> read(long afterId, int limit) {
        List<JournalEntry> out = new ArrayList<>(Math.min(Math.max(limit, 0), 1_000));
        long[] position = {0};
        each(e -> {
            position[0]++;
            if (position[0] > afterId && out.size() < limit) {
                out.add(e.withId(position[0]));
            }
        });
        return out;
    }

    @Override
    public long lostCount() {
        return lost.get();
    }

    /** A file journal is a fallback only: repair works from the table its entries are moved into. */
    @Override
    public List<JournalEntry> claim(String owner, int limit, Instant now, Duration lease) {
        throw notRepairable();
    }

    @Override
    public int complete(Collection<JournalEntry> entries, String owner) {
        throw notRepairable();
    }

    @Override
    public boolean fail(long id, String owner, int attempts, Instant nextAttemptAt, boolean dead, String error) {
        throw notRepairable();
    }

    @Override
    public boolean conflict(long id, String owner, String reason, String detail) {
        throw notRepairable();
    }

    @Override
    public int resolve(String unit, String table, String routingKey, Side behind, String who, Instant now) {
        throw notRepairable();
    }

    @Override
    public int retryDead(Instant now) {
        return 0; // entries in the file are all pending
    }

    private UnsupportedOperationException notRepairable() {
        return new UnsupportedOperationException("the file journal " + file + " cannot be repaired from directly;"
                + " use a FallbackJournal or JdbcJournal, which moves its entries into the journal table");
    }

    @Override
    public Map<JournalEntry.Status, Long> countByStatus() {
        Map<JournalEntry.Status, Long> out = JdbcJournal.emptyCounts();
        each(e -> out.merge(e.status(), 1L, Long::sum));
        return out;
    }

    @Override
    public Journal.Stats stats() {
        Map<Side, Long> pending = new EnumMap<>(Side.class);
        Instant[] oldest = {null};
        each(e -> {
            pending.merge(e.failedSide(), 1L, Long::sum);
            oldest[0] = oldest[0] == null || e.createdAt().isBefore(oldest[0]) ? e.createdAt() : oldest[0];
        });
        return new Journal.Stats(pending, 0, 0, 0, oldest[0]);
    }

    @Override
    public List<Journal.UnresolvedGroup> unresolved() {
        Groups groups = new Groups(null, null);
        each(groups::add);
        return groups.list();
    }

    @Override
    public List<Journal.UnresolvedGroup> unresolved(String unit, Collection<String> routingKeys, Side behind) {
        Groups groups = new Groups(unit, routingKeys);
        each(e -> {
            if (e.failedSide() == behind) {
                groups.add(e); // the file holds pending entries only
            }
        });
        return groups.list();
    }

    /** Entries grouped like the table does it, optionally only those of some users of a unit. */
    static List<Journal.UnresolvedGroup> group(List<JournalEntry> entries, String unit, Collection<String> keys) {
        Groups groups = new Groups(unit, keys);
        entries.forEach(groups::add);
        return groups.list();
    }

    /** Unresolved groups built one entry at a time. */
    private static final class Groups {
        private final String unit;
        private final Collection<String> keys;
        private final Map<List<Object>, Journal.UnresolvedGroup> groups = new LinkedHashMap<>();

        Groups(String unit, Collection<String> keys) {
            this.unit = unit;
            this.keys = keys;
        }

        void add(JournalEntry e) {
            if (!e.status().unresolved() || unit != null && (!unit.equals(e.unit()) || !keys.contains(e.routingKey()))) {
                return;
            }
            List<Object> id = java.util.Arrays.asList(e.unit(), e.table(), e.routingKey(), e.failedSide(), e.status());
            groups.merge(id, new Journal.UnresolvedGroup(e.unit(), e.table(), e.routingKey(), e.failedSide(), e.status(), 1,
                    e.createdAt()), (a, b) -> new Journal.UnresolvedGroup(a.unit(), a.table(), a.routingKey(), a.behind(),
                    a.status(), a.count() + b.count(), a.oldest().isBefore(b.oldest()) ? a.oldest() : b.oldest()));
        }

        List<Journal.UnresolvedGroup> list() {
            return new ArrayList<>(groups.values());
        }
    }

    @Override
    public void addListener(Journal.Listener listener) {
        listeners.add(listener);
    }

    private void each(Consumer<JournalEntry> action) {
        try {
            forEach(action);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read journal file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        // nothing is held open between appends
    }
}
