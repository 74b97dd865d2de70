package io.github.dualwrite.sync;

import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.TableConfig;
import io.github.dualwrite.config.UnitConfig;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies a unit's existing rows from the old database to the new one, in primary-key ranges, on several
 * threads, throttled, resumable from a checkpoint per range, and idempotent. It never overwrites newer
 * data (seed 001's rule): a missing row is inserted; an existing row is updated only when the version
 * column says the old side's copy is newer, and the UPDATE itself carries that condition, so a dual write
 * that lands meanwhile wins. Tables without a version column only get their missing rows.
 *
 * <p>Run it while dual write is on: a row changed during the copy ends up equal through the engine's
 * row-count check, the journal and RowSync; {@link Verifier} confirms it.
 *
 * <p>The same copy runs the other way ({@link Builder#direction}: new to old, the reverse sync that lets a
 * unit leave NEW_ONLY), over a version window only ({@link Builder#since}: rows changed since a time), and
 * split into disjoint parts that separate processes run at once ({@link Builder#part}: each table's key range,
 * fixed by the first part that starts, cut into equal spans; the last part is open above).
 */
public final class Backfill {

    private final RowSync rowSync;
    private final MigrationControl control;
    private final Checkpoints checkpoints;
    private final int threads;
    private final int chunkSize;
    private final long maxRowsPerSecond;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Progress progress;
    private final Side from;
    private final Side to;
    private final Instant since;
    private final int partIndex;
    private final int partCount;

    private Backfill(Builder b) {
        this.rowSync = b.rowSync;
        this.control = b.control;
        this.checkpoints = b.checkpoints;
        this.threads = b.threads;
        this.chunkSize = b.chunkSize;
        this.maxRowsPerSecond = b.maxRowsPerSecond;
        this.clock = b.clock;
        this.sleeper = b.sleeper;
        this.progress = b.progress;
        this.from = b.from;
        this.to = b.from.other();
        this.since = b.since;
        this.partIndex = b.partIndex;
        this.partCount = b.partCount;
    }

    /** Configures a backfill; {@code rowSync} gives it both sides. */
    public static Builder builder(RowSync rowSync, MigrationControl control) {
        return new Builder(rowSync, control);
    }

    /** Copies every table of {@code unit}. */
    public Report run(String unit) throws SQLException, InterruptedException {
        UnitConfig u = control.current().config().unit(unit).orElseThrow(() -> new IllegalArgumentException(
                "no migration unit '" + unit + "'; units: " + control.current().config().units().keySet()));
        Counters counters = new Counters();
        long start = System.nanoTime();
        Throttle throttle = new Throttle(maxRowsPerSecond, clock, sleeper);
        for (TableConfig table : u.tables().values()) {
            TableAccess access = rowSync.access(unit, table.name());
            if (since != null) {
                copySince(access, counters, throttle);
            } else {
                copyTable(unit, access, counters, throttle, start);
            }
        }
        return new Report(unit, counters.scanned.get(), counters.inserted.get(), counters.updated.get(),
                counters.skipped.get(), Duration.ofNanos(System.nanoTime() - start));
    }

    /** The job name prefix of a table's copy: direction, unit, table and part. */
    private String job(String unit, TableAccess access) {
        return (from == Side.OLD ? "backfill:" : "backfill-new-to-old:") + unit + ":" + access.table
                + (partCount > 1 ? ":part" + partIndex + "/" + partCount : "");
    }

    private void copyTable(String unit, TableAccess access, Counters counters, Throttle throttle, long start)
            throws SQLException, InterruptedException {
        Object[] bounds = firstRow(from, access.bounds(from));
        if (!(bounds[0] instanceof Number min) || !(bounds[1] instanceof Number max)) {
            if (partCount > 1 && bounds[0] != null) {
                throw new SQLException("table " + access.table + " has keys that are not whole numbers: it cannot be"
                        + " split into parts; back it up in one part");
            }
            if (bounds[0] != null && partIndex == 1) {
                copyRange(unit, access, null, null, job(unit, access), counters, throttle, start, 0);
            }
            return;
        }
        long lo = min.longValue() - 1;
        long hi = max.longValue();
        if (partCount > 1) {
            long[] part = Parts.range(checkpoints, job(unit, access).replaceAll(":part\\d+/", ":plan/"), lo, hi,
                    partIndex, partCount);
            lo = partIndex == 1 ? Math.min(part[0], lo) : part[0];
            hi = partIndex == partCount ? Math.max(hi, part[1]) : part[1];
        }
        long total = count(access);
        int n = (int) Math.max(1, Math.min(threads, (hi - lo) / Math.max(1, chunkSize)));
        ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "dualwrite-backfill-" + access.table);
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Void>> parts = new ArrayList<>();
            long step = Math.max(1, (hi - lo + n - 1) / n);
            boolean last = partIndex == partCount;
            for (int i = 0; i < n; i++) {
                long rangeFrom = lo + i * step;
                // the last range of the last part is open above: rows added since the plan are copied too
                Long rangeTo = last && i == n - 1 ? null : Math.min(hi, rangeFrom + step);
                String job = job(unit, access) + ":" + i + "/" + n;
                parts.add(pool.submit(() -> {
                    copyRange(unit, access, rangeFrom, rangeTo, job, counters, throttle, start, total);
                    return null;
                }));
            }
            for (Future<Void> f : parts) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof SQLException s) {
                        throw s;
                    }
                    if (cause instanceof InterruptedException ie) {
                        throw ie;
                    }
                    throw new IllegalStateException("backfill of " + access.table + " failed: " + cause, cause);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Copies keys in {@code (from, to]} (or everything when both are null), resuming from its checkpoint. */
    private void copyRange(String unit, TableAccess access, Long from, Long to, String job, Counters counters,
                           Throttle throttle, long start, long total) throws SQLException, InterruptedException {
        Object lo = from;
        if (checkpoints != null) {
            String saved = checkpoints.position(job).orElse(null);
            if (saved != null) {
                lo = from == null ? saved : Long.valueOf(saved);
            }
        }
        try (Connection old = rowSync.dataSource(this.from).getConnection();
             Connection neu = rowSync.dataSource(this.to).getConnection()) {
            // the chunk's source rows stay locked until their copy is written: a dual write of the same rows holds
            // the same locks across both of its halves, so a copy never lands between them
            old.setAutoCommit(false);
            while (true) {
                List<Object[]> rows = oldChunk(old, access, lo, to);
                if (rows.isEmpty()) {
                    old.commit();
                    break;
                }
                Object hi = rows.get(rows.size() - 1)[0];
                Map<TableAccess.Key, Object[]> existing = newRange(neu, access, lo, hi);
                List<Object[]> inserts = new ArrayList<>();
                List<Object[]> updates = new ArrayList<>();
                for (Object[] row : rows) {
                    Object[] theirs = existing.get(access.key(row));
                    if (theirs == null) {
                        inserts.add(row);
                    } else if (access.versionIndex >= 0 && newer(row[access.versionIndex], theirs[access.versionIndex])) {
                        updates.add(row);
                    } else {
                        counters.skipped.incrementAndGet();
                    }
                }
                counters.inserted.addAndGet(insert(neu, access, inserts, counters));
                counters.updated.addAndGet(update(neu, access, updates));
                old.commit();
                counters.scanned.addAndGet(rows.size());
                lo = hi;
                if (checkpoints != null) {
                    checkpoints.save(job, String.valueOf(hi), counters.scanned.get());
                }
                synchronized (throttle) {
                    throttle.account(rows.size());
                }
                report(unit, access, counters, start, total);
                if (rows.size() < chunkSize) {
                    break;
                }
            }
        }
        if (checkpoints != null) {
            checkpoints.finish(job, counters.scanned.get());
        }
    }

    private List<Object[]> oldChunk(Connection c, TableAccess access, Object lo, Long to) throws SQLException {
        String pk = access.pkSql(from);
        String sql = access.select(from)
                + " WHERE " + (lo == null ? "1 = 1" : pk + " > ?") + (to == null ? "" : " AND " + pk + " <= ?")
                + " ORDER BY " + pk + " LIMIT " + chunkSize + " FOR UPDATE";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int p = 1;
            if (lo != null) {
                ps.setObject(p++, lo);
            }
            if (to != null) {
                ps.setObject(p, to);
            }
            return rows(ps, access);
        }
    }

    private Map<TableAccess.Key, Object[]> newRange(Connection c, TableAccess access, Object lo, Object hi)
            throws SQLException {
        String sql = lo == null ? access.upTo(to) : access.range(to);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (lo == null) {
                ps.setObject(1, hi);
            } else {
                ps.setObject(1, lo);
                ps.setObject(2, hi);
            }
            Map<TableAccess.Key, Object[]> out = new HashMap<>();
            for (Object[] row : rows(ps, access)) {
                out.put(access.key(row), row);
            }
            return out;
        }
    }

    private static List<Object[]> rows(PreparedStatement ps, TableAccess access) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(access.read(rs));
            }
        }
        return rows;
    }

    /**
     * Inserts as multi-row INSERTs (ShardingSphere splits them by shard). A row inserted meanwhile by dual
     * write makes the statement fail; then the rows go one by one and the ones that exist are skipped.
     */
    private int insert(Connection c, TableAccess access, List<Object[]> rows, Counters counters) throws SQLException {
        int done = 0;
        int perStatement = Math.max(1, Math.min(500, 60_000 / Math.max(1, access.width())));
        for (int i = 0; i < rows.size(); i += perStatement) {
            List<Object[]> part = rows.subList(i, Math.min(rows.size(), i + perStatement));
            try (PreparedStatement ps = c.prepareStatement(access.insertRows(to, part.size()))) {
                for (int r = 0; r < part.size(); r++) {
                    access.bindRow(ps, part.get(r), r * access.width());
                }
                ps.executeUpdate();
                done += part.size();
            } catch (SQLException e) {
                if (!isDuplicate(e)) {
                    throw e;
                }
                done += oneByOne(c, access, part, counters);
            }
        }
        return done;
    }

    private int oneByOne(Connection c, TableAccess access, List<Object[]> rows, Counters counters) throws SQLException {
        int done = 0;
        try (PreparedStatement ps = c.prepareStatement(access.insert(to))) {
            for (Object[] row : rows) {
                access.bindRow(ps, row, 0);
                try {
                    ps.executeUpdate();
                    done++;
                } catch (SQLException e) {
                    if (!isDuplicate(e)) {
                        throw e;
                    }
                    counters.skipped.incrementAndGet(); // written meanwhile by dual write: newer, keep it
                }
            }
        }
        return done;
    }

    private static boolean isDuplicate(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && (s.getSQLState() != null && s.getSQLState().startsWith("23")
                    || s.getErrorCode() == 1062 || s instanceof java.sql.SQLIntegrityConstraintViolationException)) {
                return true;
            }
            if (t instanceof BatchUpdateException b && b.getNextException() != null && isDuplicate(b.getNextException())) {
                return true;
            }
        }
        return false;
    }

    /** Updates rows whose copy is older; the WHERE repeats the version condition so a newer copy is never hit. */
    private int update(Connection c, TableAccess access, List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return 0;
        }
        int done = 0;
        try (PreparedStatement ps = c.prepareStatement(access.update(to, true))) {
            for (Object[] row : rows) {
                access.bindUpdate(ps, row, true);
                ps.addBatch();
            }
            for (int n : ps.executeBatch()) {
                done += n > 0 ? 1 : 0;
            }
        }
        return done;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static boolean newer(Object ours, Object theirs) {
        if (ours == null) {
            return false;
        }
        if (theirs == null) {
            return true;
        }
        Object a = Values.normal(ours);
        Object b = Values.normal(theirs);
        return a instanceof Comparable ca && a.getClass() == b.getClass() && ca.compareTo(b) > 0;
    }

    private Object[] firstRow(Side side, String sql) throws SQLException {
        try (Connection c = rowSync.dataSource(side).getConnection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            Object[] row = new Object[rs.getMetaData().getColumnCount()];
            for (int i = 0; i < row.length; i++) {
                row[i] = rs.getObject(i + 1);
            }
            return row;
        }
    }

    /**
     * Copies the rows whose version column is at or after {@link #since} on the source side: the incremental
     * copy (after a full one, for the rows changed since it started). Rows are compared by key, one at a time.
     */
    private void copySince(TableAccess access, Counters counters, Throttle throttle)
            throws SQLException, InterruptedException {
        if (access.versionIndex < 0) {
            throw new IllegalArgumentException("table " + access.table + " has no version-column: an incremental copy"
                    + " needs one (set units." + access.unit + ".tables." + access.table + ".version-column)");
        }
        java.sql.Timestamp window = java.sql.Timestamp.from(since);
        Object after = null;
        try (Connection source = rowSync.dataSource(from).getConnection();
             Connection target = rowSync.dataSource(to).getConnection()) {
            while (true) {
                List<Object[]> rows;
                try (PreparedStatement ps = source.prepareStatement(access.changedSince(from, chunkSize, after != null))) {
                    ps.setTimestamp(1, window);
                    if (after != null) {
                        ps.setObject(2, after);
                    }
                    rows = rows(ps, access);
                }
                if (rows.isEmpty()) {
                    return;
                }
                List<Object[]> inserts = new ArrayList<>();
                List<Object[]> updates = new ArrayList<>();
                try (PreparedStatement ps = target.prepareStatement(access.byPrimaryKey(to))) {
                    for (Object[] row : rows) {
                        for (int i = 0; i < access.primaryKey.size(); i++) {
                            ps.setObject(i + 1, row[i]);
                        }
                        List<Object[]> theirs = rows(ps, access);
                        if (theirs.isEmpty()) {
                            inserts.add(row);
                        } else if (newer(row[access.versionIndex], theirs.get(0)[access.versionIndex])) {
                            updates.add(row);
                        } else {
                            counters.skipped.incrementAndGet();
                        }
                    }
                }
                counters.inserted.addAndGet(oneByOne(target, access, inserts, counters));
                counters.updated.addAndGet(update(target, access, updates));
                counters.scanned.addAndGet(rows.size());
                throttle.account(rows.size());
                after = rows.get(rows.size() - 1)[0];
                if (rows.size() < chunkSize) {
                    return;
                }
            }
        }
    }

    private long count(TableAccess access) throws SQLException {
        Object v = firstRow(from, access.count(from))[0];
        return v instanceof Number n ? n.longValue() : 0;
    }

    private void report(String unit, TableAccess access, Counters c, long start, long total) {
        double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
        long done = c.scanned.get();
        double rate = done / seconds;
        Duration eta = total > done && rate > 0 ? Duration.ofMillis((long) ((total - done) / rate * 1000)) : null;
        synchronized (progress) {
            progress.update("backfill " + unit + "." + access.table, done, total, rate, eta);
        }
    }

    /** Shared by the copying threads. */
    private static final class Counters {
        final AtomicLong scanned = new AtomicLong();
        final AtomicLong inserted = new AtomicLong();
        final AtomicLong updated = new AtomicLong();
        final AtomicLong skipped = new AtomicLong();
    }

    /** Options of a {@link Backfill}. */
    public static final class Builder {
        private final RowSync rowSync;
        private final MigrationControl control;
        private Checkpoints checkpoints;
        private int threads = 2;
        private int chunkSize = 2_000;
        private long maxRowsPerSecond;
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.SYSTEM;
        private Progress progress = Progress.NONE;
        private Side from = Side.OLD;
        private Instant since;
        private int partIndex = 1;
        private int partCount = 1;

        private Builder(RowSync rowSync, MigrationControl control) {
            this.rowSync = Objects.requireNonNull(rowSync, "rowSync");
            this.control = Objects.requireNonNull(control, "control");
        }

        /** Saves each range's position here, so a killed backfill continues; default none. */
        public Builder checkpoints(Checkpoints value) {
            this.checkpoints = value;
            return this;
        }

        /** Copying threads (key ranges copied side by side); default 2. */
        public Builder threads(int value) {
            if (value < 1 || value > 64) {
                throw new IllegalArgumentException("Backfill threads must be 1..64 but was " + value);
            }
            this.threads = value;
            return this;
        }

        /** Rows per chunk; default 2000. */
        public Builder chunkSize(int value) {
            if (value < 1 || value > 100_000) {
                throw new IllegalArgumentException("Backfill chunkSize must be 1..100000 but was " + value);
            }
            this.chunkSize = value;
            return this;
        }

        /** Limit in rows per second over all threads, 0 for none; default none. */
        public Builder maxRowsPerSecond(long value) {
            if (value < 0) {
                throw new IllegalArgumentException("Backfill maxRowsPerSecond must be >= 0 but was " + value);
            }
            this.maxRowsPerSecond = value;
            return this;
        }

        /** The clock for throttling. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** How to wait when throttled. */
        public Builder sleeper(Sleeper value) {
            this.sleeper = Objects.requireNonNull(value, "sleeper");
            return this;
        }

        /** Told how the copy advances. */
        public Builder progress(Progress value) {
            this.progress = Objects.requireNonNull(value, "progress");
            return this;
        }

        /**
         * The side rows are copied from; default OLD. NEW copies new to old with the same never-overwrite-newer
         * rule: the reverse sync that opens the way back from NEW_ONLY.
         */
        public Builder direction(Side source) {
            this.from = Objects.requireNonNull(source, "source");
            return this;
        }

        /** Copies only rows whose version column is at or after {@code value} (null: every row); default every row. */
        public Builder since(Instant value) {
            this.since = value;
            return this;
        }

        /**
         * Copies part {@code index} (1-based) of {@code count} disjoint parts of each table's key range, so that
         * separate processes can share a backfill; needs checkpoints; default the whole range.
         */
        public Builder part(int index, int count) {
            if (count < 1 || index < 1 || index > count) {
                throw new IllegalArgumentException("Backfill part must be i/n with 1 <= i <= n but was " + index + "/"
                        + count);
            }
            this.partIndex = index;
            this.partCount = count;
            return this;
        }

        public Backfill build() {
            if (partCount > 1 && since != null) {
                throw new IllegalArgumentException("Backfill: a copy since a time runs in one part; leave out part or since");
            }
            return new Backfill(this);
        }
    }

    /**
     * What a backfill did.
     *
     * @param unit     the unit copied
     * @param scanned  source rows read (old rows, or new rows in a reverse sync)
     * @param inserted rows the new side was missing
     * @param updated  rows the new side had in an older version (by the version column)
     * @param skipped  rows the new side already had, equal or newer (never overwritten)
     * @param elapsed  time taken
     */
    public record Report(String unit, long scanned, long inserted, long updated, long skipped, Duration elapsed) {

        /** Old rows read per second. */
        public long rowsPerSecond() {
            return scanned * 1000 / Math.max(1, elapsed.toMillis());
        }

        /** A summary line. */
        public String line() {
            return String.format(Locale.ROOT, "BACKFILL unit=%s scanned=%d inserted=%d updated=%d skipped=%d rows_per_s=%d",
                    unit, scanned, inserted, updated, skipped, rowsPerSecond());
        }
    }
}
