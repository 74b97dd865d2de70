package io.github.dualwrite.sync;

import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.config.RoutingKey;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.TableConfig;
import io.github.dualwrite.config.UnitConfig;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares a unit's tables between the old database and the new, sharded one (one table against its N
 * shards, through ShardingSphere), and reports rows missing in new, extra in new (including copies left in
 * a shard the router would not pick) and with different values.
 *
 * <p>Modes: a full scan in primary-key chunks ({@link #full}), resumable from a checkpoint; the rows of
 * given users ({@link #keys}, e.g. the next gray bucket before promotion: read through the router, so a
 * row sitting in the wrong shard shows as missing); rows changed since a time by the version column
 * ({@link #since}, the incremental check); random chunks ({@link #sample}).
 *
 * <p>A difference is re-read after a delay (count and delay configurable) before it counts, so that a
 * write in flight between the two reads does not show as a difference. With {@code repair(true)} every
 * remaining difference is fixed through {@link RowSync}. Chunks adapt their size toward a target time per
 * chunk (like pt-table-checksum's 0.5 s); a rows-per-second limit keeps it gentle on production; memory
 * holds one chunk.
 */
public final class Verifier {

    /** Differences kept in a report (the counts are always complete). */
    public static final int KEPT_DIFFERENCES = 100;

    private static final Logger log = LoggerFactory.getLogger(Verifier.class);
    private static final int MIN_CHUNK = 100;
    private static final int MAX_CHUNK = 50_000;

    private final RowSync rowSync;
    private final MigrationControl control;
    private final Checkpoints checkpoints;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Progress progress;
    private final int initialChunk;
    private final Duration targetChunkTime;
    private final long maxRowsPerSecond;
    private final int recheckCount;
    private final Duration recheckDelay;
    private final boolean repair;
    private final int partIndex;
    private final int partCount;
    private final SideReads reads;

    private Verifier(Builder b) {
        this.rowSync = b.rowSync;
        this.control = b.control;
        this.checkpoints = b.checkpoints;
        this.clock = b.clock;
        this.sleeper = b.sleeper;
        this.progress = b.progress;
        this.initialChunk = b.chunkSize;
        this.targetChunkTime = b.targetChunkTime;
        this.maxRowsPerSecond = b.maxRowsPerSecond;
        this.recheckCount = b.recheckCount;
        this.recheckDelay = b.recheckDelay;
        this.repair = b.repair;
        this.partIndex = b.partIndex;
        this.partCount = b.partCount;
        this.reads = new SideReads(b.rowSync);
    }

    /** Configures a verifier; {@code rowSync} reads both sides and repairs. */
    public static Builder builder(RowSync rowSync, MigrationControl control) {
        return new Builder(rowSync, control);
    }

    // ------------------------------------------------------------------ modes

    /**
     * Every row of every table of the unit (or of this verifier's part of each table's key range), in
     * primary-key chunks; continues from a checkpoint if one is saved.
     */
    public Report full(String unit) throws SQLException, InterruptedException {
        Run run = new Run(unit, false);
        for (TableConfig table : tables(unit)) {
            TableAccess access = rowSync.access(unit, table.name());
            String job = "verify:" + unit + ":" + table.name() + (partCount > 1 ? ":part" + partIndex + "/" + partCount : "");
            Object lo = null;
            Long upper = null;
            if (partCount > 1) {
                long[] range = partRange(unit, access);
                if (range == null) {
                    continue; // empty table: part 1 finds the new side's extras
                }
                lo = partIndex == 1 ? null : range[0];
                upper = partIndex == partCount ? null : range[1];
            }
            String saved = checkpoints == null ? null : checkpoints.position(job).orElse(null);
            lo = saved == null ? lo : parse(saved);
            long total = estimate(access);
            scan(run, access, lo, job, total, Long.MAX_VALUE, upper);
            if (checkpoints != null) {
                checkpoints.finish(job, run.rows);
            }
        }
        return run.report();
    }

    /** The rows of the given users (routing keys), read through each side's routing. */
    public Report keys(String unit, Collection<?> routingKeys) throws SQLException, InterruptedException {
        Run run = new Run(unit, true);
        for (TableConfig table : tables(unit)) {
            TableAccess access = rowSync.access(unit, table.name());
            for (Object k : routingKeys) {
                RoutingKey key = RoutingKey.of(k);
                List<Object[]> oldRows = query(Side.OLD, access.byRoutingKey(Side.OLD, false), ps -> RowSync.bindKey(ps, 1, key));
                List<Object[]> newRows = query(Side.NEW, access.byRoutingKey(Side.NEW, false), ps -> RowSync.bindKey(ps, 1, key));
                run.compare(access, oldRows, newRows);
            }
            run.settle(access);
        }
        return run.report();
    }

    /** Rows whose version column is at or after {@code since}, on either side: the incremental check. */
    public Report since(String unit, Instant since) throws SQLException, InterruptedException {
        Run run = new Run(unit, false);
        Timestamp from = Timestamp.from(since);
        for (TableConfig table : tables(unit)) {
            TableAccess access = rowSync.access(unit, table.name());
            if (access.versionIndex < 0) {
                throw new IllegalArgumentException("table " + table.name() + " of unit " + unit + " has no version-column:"
                        + " an incremental check needs one (set units." + unit + ".tables." + table.name() + ".version-column)");
            }
            int chunk = initialChunk;
            Object lo = null;
            while (true) {
                Object last = lo;
                List<Object[]> oldWindow = changedSince(access, Side.OLD, chunk, from, last);
                List<Object[]> newWindow = changedSince(access, Side.NEW, chunk, from, last);
                // a full window may have more rows beyond its last key: this round covers keys up to the
                // smallest last key of a full window, or everything when neither is full
                TableAccess.Key hi = null;
                for (List<Object[]> window : List.of(oldWindow, newWindow)) {
                    if (window.size() >= chunk) {
                        TableAccess.Key k = access.key(window.get(window.size() - 1));
                        hi = hi == null || k.compareTo(hi) < 0 ? k : hi;
                    }
                }
                // compare both windows against the other side's current rows for the same keys
                Map<TableAccess.Key, Object[]> keys = new java.util.TreeMap<>();
                for (List<Object[]> window : List.of(oldWindow, newWindow)) {
                    for (Object[] r : window) {
                        TableAccess.Key k = access.key(r);
                        if (hi == null || k.compareTo(hi) <= 0) {
                            keys.putIfAbsent(k, r);
                        }
                    }
                }
                List<Object[]> oldNow = new ArrayList<>();
                List<Object[]> newNow = new ArrayList<>();
                for (Object[] r : keys.values()) {
                    oldNow.addAll(byKey(access, Side.OLD, r));
                    newNow.addAll(byKey(access, Side.NEW, r));
                }
                run.compare(access, oldNow, newNow);
                if (hi == null) {
                    break;
                }
                lo = keys.get(hi)[0];
            }
            run.settle(access);
        }
        return run.report();
    }

    /** This verifier's part {@code (lo, hi]} of the table's keys (see {@link Parts}); null: nothing to do. */
    private long[] partRange(String unit, TableAccess access) throws SQLException {
        Object[] bounds = query(Side.OLD, access.bounds(Side.OLD), ps -> { }).get(0);
        if (bounds[0] == null) {
            return partIndex == 1 ? new long[] {0, Long.MAX_VALUE} : null; // part 1 finds every extra row
        }
        if (!(bounds[0] instanceof Number min) || !(bounds[1] instanceof Number max)) {
            throw new SQLException("table " + access.table + " has keys that are not whole numbers: it cannot be split"
                    + " into parts; verify it in one part");
        }
        return Parts.range(checkpoints, "verify:" + unit + ":" + access.table + ":plan/" + partCount,
                min.longValue() - 1, max.longValue(), partIndex, partCount);
    }

    /** {@code chunks} chunks starting at random keys between the smallest and largest (numeric keys). */
    public Report sample(String unit, int chunks, long seed) throws SQLException, InterruptedException {
        Run run = new Run(unit, false);
        SplittableRandom random = new SplittableRandom(seed);
        for (TableConfig table : tables(unit)) {
            TableAccess access = rowSync.access(unit, table.name());
            Object[] bounds = query(Side.OLD, access.bounds(Side.OLD), ps -> { }).get(0);
            if (!(bounds[0] instanceof Number min) || !(bounds[1] instanceof Number max)) {
                continue; // empty, or keys that are not numbers: nothing to sample
            }
            // starts in key order, each chunk beginning where the last one ended at the earliest: chunks that
            // would overlap on a small table are not compared (and counted) twice
            long[] starts = new long[chunks];
            for (int i = 0; i < chunks; i++) {
                starts[i] = min.longValue() - 1 + (long) (random.nextDouble() * (max.longValue() - min.longValue() + 1));
            }
            java.util.Arrays.sort(starts);
            Long covered = null;
            for (long start : starts) {
                long from = covered == null ? start : Math.max(start, covered);
                if (covered != null && from >= max.longValue()) {
                    break;
                }
                Object last = scan(run, access, from, null, 0, initialChunk, null);
                covered = last instanceof Number n ? n.longValue() : from;
            }
        }
        return run.report();
    }

    // ------------------------------------------------------------------ scanning

    /** Compares the rows after {@code lo} chunk by chunk, up to {@code limitRows} old rows; returns the last key compared. */
    private Object scan(Run run, TableAccess access, Object lo, String job, long total, long limitRows, Long upper)
            throws SQLException, InterruptedException {
        int chunk = initialChunk;
        long scanned = 0;
        Throttle throttle = new Throttle(maxRowsPerSecond, clock, sleeper);
        while (scanned < limitRows) {
            long started = System.nanoTime();
            int size = (int) Math.min(chunk, limitRows - scanned);
            Object from = lo;
            List<Object[]> fetched = from == null ? query(Side.OLD, access.head(Side.OLD, size), ps -> { })
                    : query(Side.OLD, access.after(Side.OLD, size), ps -> ps.setObject(1, from));
            List<Object[]> oldRows = Parts.upTo(fetched, upper);
            boolean beyond = oldRows.size() < fetched.size();
            if (oldRows.isEmpty()) {
                if (limitRows == Long.MAX_VALUE) {
                    tail(run, access, from, upper);
                }
                return lo;
            }
            Object hi = oldRows.get(oldRows.size() - 1)[0];
            List<Object[]> newRows = from == null ? query(Side.NEW, access.upTo(Side.NEW), ps -> ps.setObject(1, hi))
                    : query(Side.NEW, access.range(Side.NEW), ps -> {
                        ps.setObject(1, from);
                        ps.setObject(2, hi);
                    });
            run.compare(access, oldRows, newRows);
            run.settle(access);
            scanned += oldRows.size();
            lo = hi;
            if (job != null && checkpoints != null) {
                checkpoints.save(job, String.valueOf(hi), run.rows);
            }
            chunk = adapt(chunk, System.nanoTime() - started);
            throttle.account(oldRows.size());
            run.progress(access.table, total);
            if (oldRows.size() < size || beyond) {
                if (limitRows == Long.MAX_VALUE) {
                    tail(run, access, lo, upper);
                }
                return lo;
            }
        }
        return lo;
    }

    /** Rows on the new side beyond the old side's last key (up to {@code upper} when not null): all extra. */
    private void tail(Run run, TableAccess access, Object lo, Long upper) throws SQLException, InterruptedException {
        while (true) {
            Object from = lo;
            List<Object[]> fetched = from == null ? query(Side.NEW, access.head(Side.NEW, initialChunk), ps -> { })
                    : query(Side.NEW, access.after(Side.NEW, initialChunk), ps -> ps.setObject(1, from));
            List<Object[]> newRows = Parts.upTo(fetched, upper);
            if (newRows.isEmpty()) {
                return;
            }
            run.compare(access, List.of(), newRows);
            run.settle(access);
            lo = newRows.get(newRows.size() - 1)[0];
            if (fetched.size() < initialChunk || newRows.size() < fetched.size()) {
                return;
            }
        }
    }

    private int adapt(int chunk, long elapsedNanos) {
        double target = targetChunkTime.toNanos();
        double factor = Math.max(0.5, Math.min(2.0, target / Math.max(1, elapsedNanos)));
        return (int) Math.max(MIN_CHUNK, Math.min(MAX_CHUNK, chunk * factor));
    }

    private long estimate(TableAccess access) {
        try {
            Object[] b = query(Side.OLD, access.count(Side.OLD), ps -> { }).get(0);
            return b[0] instanceof Number n ? n.longValue() : 0;
        } catch (SQLException e) {
            return 0;
        }
    }

    private List<TableConfig> tables(String unit) {
        UnitConfig u = control.current().config().unit(unit).orElseThrow(() -> new IllegalArgumentException(
                "no migration unit '" + unit + "'; units: " + control.current().config().units().keySet()));
        return new ArrayList<>(u.tables().values());
    }

    private static Object parse(String position) {
        try {
            return Long.parseLong(position);
        } catch (NumberFormatException e) {
            return position;
        }
    }

    private List<Object[]> changedSince(TableAccess access, Side side, int limit, Timestamp from, Object after)
            throws SQLException {
        return reads.changedSince(access, side, limit, from, after);
    }

    private List<Object[]> byKey(TableAccess access, Side side, Object[] row) throws SQLException {
        return reads.byKey(access, side, row);
    }

    private List<Object[]> query(Side side, String sql, SideReads.Binding binding) throws SQLException {
        return reads.query(side, sql, binding);
    }

    // ------------------------------------------------------------------ one verification

    /** Counters and pending candidates of one verification. */
    private final class Run {
        final String unit;
        final long startNanos = System.nanoTime();
        long rows;
        long missing;
        long extra;
        long different;
        long rechecked;
        long repaired;
        final List<Difference> kept = new ArrayList<>();
        final List<Difference> candidates = new ArrayList<>();
        final Map<String, Object[]> candidateRows = new LinkedHashMap<>();

        /** Whether rows were read through routing (by user): the recheck must read them the same way. */
        final boolean routed;

        Run(String unit, boolean routed) {
            this.unit = unit;
            this.routed = routed;
        }

        /** Compares two row sets of the same key range; differences become candidates for the recheck. */
        void compare(TableAccess access, List<Object[]> oldRows, List<Object[]> newRows) {
            Map<TableAccess.Key, Object[]> news = new LinkedHashMap<>();
            Map<TableAccess.Key, Integer> copies = new LinkedHashMap<>();
            for (Object[] r : newRows) {
                TableAccess.Key k = access.key(r);
                news.putIfAbsent(k, r);
                copies.merge(k, 1, Integer::sum);
            }
            rows += oldRows.size();
            for (Object[] o : oldRows) {
                TableAccess.Key k = access.key(o);
                Object[] n = news.remove(k);
                if (n == null) {
                    candidate(access, Difference.Kind.MISSING_IN_NEW, k, o, List.of());
                } else if (copies.get(k) > 1) {
                    candidate(access, Difference.Kind.DUPLICATE_IN_NEW, k, o, List.of());
                } else {
                    List<String> cols = access.differences(o, n);
                    if (!cols.isEmpty()) {
                        candidate(access, Difference.Kind.DIFFERENT, k, o, cols);
                    }
                }
            }
            for (Map.Entry<TableAccess.Key, Object[]> e : news.entrySet()) {
                rows++;
                candidate(access, Difference.Kind.EXTRA_IN_NEW, e.getKey(), e.getValue(), List.of());
            }
        }

        private void candidate(TableAccess access, Difference.Kind kind, TableAccess.Key key, Object[] row,
                               List<String> columns) {
            String routing = String.valueOf(row[access.routingIndex]);
            Difference d = new Difference(access.table, kind, key.toString(), routing, columns);
            candidates.add(d);
            candidateRows.put(access.table + '\u0000' + key, row);
        }

        /** Rechecks the candidates after the delay; what still differs counts (and is repaired on request). */
        void settle(TableAccess access) throws SQLException, InterruptedException {
            if (candidates.isEmpty()) {
                return;
            }
            List<Difference> pending = new ArrayList<>(candidates);
            candidates.clear();
            for (int round = 0; round < recheckCount && !pending.isEmpty(); round++) {
                sleeper.sleep(recheckDelay);
                rechecked += pending.size();
                List<Difference> still = new ArrayList<>();
                for (Difference d : pending) {
                    Object[] row = candidateRows.get(d.table() + '\u0000' + d.primaryKey());
                    List<Object[]> oldNow = recheck(access, Side.OLD, row);
                    List<Object[]> newNow = recheck(access, Side.NEW, row);
                    Difference now = classify(access, d, oldNow, newNow);
                    if (now != null) {
                        still.add(now);
                    }
                }
                pending = still;
            }
            for (Difference d : pending) {
                switch (d.kind()) {
                    case MISSING_IN_NEW -> missing++;
                    case DIFFERENT -> different++;
                    default -> extra++;
                }
                if (kept.size() < KEPT_DIFFERENCES) {
                    kept.add(d);
                }
                if (repair) {
                    fix(access, d, candidateRows.get(d.table() + '\u0000' + d.primaryKey()));
                }
            }
            candidateRows.clear();
        }

        /**
         * The row's current state. A routed run re-reads through routing too: a key lookup alone would find
         * a copy in a shard the router never picks and call a missing row equal.
         */
        private List<Object[]> recheck(TableAccess access, Side side, Object[] row) throws SQLException {
            if (!routed) {
                return byKey(access, side, row);
            }
            return query(side, access.byPrimaryAndRoutingKey(side), ps -> {
                int n = access.primaryKey.size();
                for (int i = 0; i < n; i++) {
                    ps.setObject(i + 1, row[i]);
                }
                ps.setObject(n + 1, row[access.routingIndex]);
            });
        }

        private Difference classify(TableAccess access, Difference d, List<Object[]> oldNow, List<Object[]> newNow) {
            if (oldNow.isEmpty() && newNow.isEmpty()) {
                return null;
            }
            if (newNow.isEmpty()) {
                return new Difference(d.table(), Difference.Kind.MISSING_IN_NEW, d.primaryKey(), routing(access, oldNow), List.of());
            }
            if (oldNow.isEmpty()) {
                return new Difference(d.table(), Difference.Kind.EXTRA_IN_NEW, d.primaryKey(), routing(access, newNow), List.of());
            }
            if (newNow.size() > 1) {
                return new Difference(d.table(), Difference.Kind.DUPLICATE_IN_NEW, d.primaryKey(), routing(access, oldNow), List.of());
            }
            List<String> cols = access.differences(oldNow.get(0), newNow.get(0));
            return cols.isEmpty() ? null
                    : new Difference(d.table(), Difference.Kind.DIFFERENT, d.primaryKey(), routing(access, oldNow), cols);
        }

        private String routing(TableAccess access, List<Object[]> rows) {
            return String.valueOf(rows.get(0)[access.routingIndex]);
        }

        /** Repairs through RowSync; {@code row} is the row the difference was found on (primary key first). */
        private void fix(TableAccess access, Difference d, Object[] row) {
            try {
                List<Object> pk = java.util.Arrays.asList(row).subList(0, access.primaryKey.size());
                RowSync.Result r = d.kind() == Difference.Kind.DUPLICATE_IN_NEW
                        ? rowSync.purgeAndSync(unit, access.table, pk, d.routingKey())
                        : d.kind() == Difference.Kind.EXTRA_IN_NEW ? rowSync.syncRow(unit, access.table, pk)
                        : rowSync.sync(unit, access.table, d.routingKey());
                repaired++;
                log.debug("dualwrite verify repaired {}: {}", d, r);
            } catch (SQLException | RuntimeException e) {
                log.warn("dualwrite verify could not repair {}: {}", d, e.toString());
            }
        }

        void progress(String table, long total) {
            double seconds = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
            double rate = rows / seconds;
            Duration eta = total > rows && rate > 0 ? Duration.ofMillis((long) ((total - rows) / rate * 1000)) : null;
            progress.update("verify " + unit + "." + table, rows, total, rate, eta);
        }

        Report report() {
            Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
            return new Report(unit, rows, missing, extra, different, rechecked, repaired, elapsed, kept);
        }
    }

    /** Options of a {@link Verifier}. */
    public static final class Builder {
        private final RowSync rowSync;
        private final MigrationControl control;
        private Checkpoints checkpoints;
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.SYSTEM;
        private Progress progress = Progress.NONE;
        private int chunkSize = 5_000;
        private Duration targetChunkTime = Duration.ofMillis(500);
        private long maxRowsPerSecond;
        private int recheckCount = 1;
        private Duration recheckDelay = Duration.ofSeconds(2);
        private boolean repair;
        private int partIndex = 1;
        private int partCount = 1;

        private Builder(RowSync rowSync, MigrationControl control) {
            this.rowSync = Objects.requireNonNull(rowSync, "rowSync");
            this.control = Objects.requireNonNull(control, "control");
        }

        /** Saves the position of full scans here, so a killed verification continues; default none. */
        public Builder checkpoints(Checkpoints value) {
            this.checkpoints = value;
            return this;
        }

        /** The clock for throttling; default UTC system clock. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** How to wait (throttling, rechecks). */
        public Builder sleeper(Sleeper value) {
            this.sleeper = Objects.requireNonNull(value, "sleeper");
            return this;
        }

        /** Told how the verification advances. */
        public Builder progress(Progress value) {
            this.progress = Objects.requireNonNull(value, "progress");
            return this;
        }

        /** Rows in the first chunk; later chunks adapt toward the target time; default 5000. */
        public Builder chunkSize(int value) {
            if (value < MIN_CHUNK || value > MAX_CHUNK) {
                throw new IllegalArgumentException("Verifier chunkSize must be " + MIN_CHUNK + ".." + MAX_CHUNK + " but was " + value);
            }
            this.chunkSize = value;
            return this;
        }

        /** The time a chunk should take; default 500 ms. */
        public Builder targetChunkTime(Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("Verifier targetChunkTime must be positive but was " + value);
            }
            this.targetChunkTime = value;
            return this;
        }

        /** Limit in rows per second, 0 for none; default none. */
        public Builder maxRowsPerSecond(long value) {
            if (value < 0) {
                throw new IllegalArgumentException("Verifier maxRowsPerSecond must be >= 0 but was " + value);
            }
            this.maxRowsPerSecond = value;
            return this;
        }

        /** How often and after what delay a difference is re-read before it counts; default once after 2 s. */
        public Builder recheck(int count, Duration delay) {
            if (count < 0 || delay == null || delay.isNegative()) {
                throw new IllegalArgumentException("Verifier recheck needs count >= 0 and a delay >= 0 but was "
                        + count + ", " + delay);
            }
            this.recheckCount = count;
            this.recheckDelay = delay;
            return this;
        }

        /** Fix every difference that remains through RowSync; default off. */
        public Builder repair(boolean value) {
            this.repair = value;
            return this;
        }

        /**
         * Full scans cover part {@code index} (1-based) of {@code count} disjoint parts of each table's key
         * range, so that separate processes can share a verification; needs checkpoints; default all of it.
         */
        public Builder part(int index, int count) {
            if (count < 1 || index < 1 || index > count) {
                throw new IllegalArgumentException("Verifier part must be i/n with 1 <= i <= n but was " + index + "/"
                        + count);
            }
            this.partIndex = index;
            this.partCount = count;
            return this;
        }

        public Verifier build() {
            return new Verifier(this);
        }
    }

    /**
     * What a verification found.
     *
     * @param unit          the unit verified
     * @param rows          rows compared
     * @param missing       rows on the old side only (after rechecks)
     * @param extra         rows on the new side only, or duplicated there (after rechecks)
     * @param different     rows whose values differ (after rechecks)
     * @param rechecked     candidates re-read after the recheck delay (in-flight writes clear themselves there)
     * @param repaired      differences fixed through RowSync ({@code --repair})
     * @param elapsed       time taken
     * @param differences   the first differences found (at most {@link Verifier#KEPT_DIFFERENCES})
     */
    public record Report(String unit, long rows, long missing, long extra, long different, long rechecked,
                               long repaired, Duration elapsed, List<Difference> differences) {

        /** Copies the list. */
        public Report {
            differences = List.copyOf(differences);
        }

        /** Whether both sides are equal (no difference remained after rechecks). */
        public boolean equal() {
            return missing + extra + different == 0;
        }

        /** Rows compared per second. */
        public long rowsPerSecond() {
            long ms = Math.max(1, elapsed.toMillis());
            return rows * 1000 / ms;
        }

        /** The machine-readable summary line the CLI prints last. */
        public String line() {
            return String.format(Locale.ROOT, "VERIFY unit=%s rows=%d missing=%d extra=%d different=%d rechecked=%d rows_per_s=%d",
                    unit, rows, missing, extra, different, rechecked, rowsPerSecond());
        }

        @Override
        public String toString() {
            return line() + (repaired > 0 ? " repaired=" + repaired : "");
        }
    }

    /**
     * One row that differs between the sides.
     *
     * @param table      the table
     * @param kind       how it differs
     * @param primaryKey the row's key
     * @param routingKey its user, when known
     * @param columns    the columns that differ (for DIFFERENT), old names
     */
    public record Difference(String table, Kind kind, String primaryKey, String routingKey, List<String> columns) {

        /** How a row differs. */
        public enum Kind {
            /** On the old side only. */
            MISSING_IN_NEW,
            /** On the new side only. */
            EXTRA_IN_NEW,
            /** On both, with different values. */
            DIFFERENT,
            /** Twice or more on the new side: a copy in a shard the router would not pick. */
            DUPLICATE_IN_NEW
        }

        /** Copies the list. */
        public Difference {
            columns = List.copyOf(columns);
        }

        @Override
        public String toString() {
            return table + " " + kind + " pk=" + primaryKey + (routingKey == null ? "" : " key=" + routingKey)
                    + (columns.isEmpty() ? "" : " columns=" + columns);
        }
    }
}
