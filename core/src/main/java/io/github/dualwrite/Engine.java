package io.github.dualwrite;

import com.github.benmanes.caffeine.cache.Cache;
import io.github.dualwrite.config.ConfigProblem;
import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.TableConfig;
import io.github.dualwrite.config.UnitConfig;
import io.github.dualwrite.ids.IdGenerator;
import io.github.dualwrite.ids.SegmentSequence;
import io.github.dualwrite.journal.Journal;
import io.github.dualwrite.journal.JournalEntry;
import io.github.dualwrite.routing.Router;
import io.github.dualwrite.routing.RoutingTable;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the connections of one dual-write DataSource share: both DataSources, the stage switch, the
 * SQL classifier, the journal, the circuit breakers in front of each side when it is secondary, and the
 * counters. Internal: applications use {@link io.github.dualwrite.DualWriteDataSource}.
 */
final class Engine {

    private static final Logger log = LoggerFactory.getLogger(Engine.class);

    private final DataSource oldDataSource;
    private final DataSource newDataSource;
    private final MigrationControl control;
    private final Router router;
    private final SqlClassifier classifier;
    private final Journal journal;
    private final Clock clock;
    private final EngineStats stats = new EngineStats();
    // bounded by bytes as well as entries: a key holds a whole SQL text (SqlCacheWeights)
    private final Cache<WarnKey, Boolean> warned = SqlCacheWeights.cache(10_000, SqlCacheWeights.DEFAULT_BYTES / 4,
            k -> SqlCacheWeights.of(k.sql(), 0), v -> 0, false);
    private final Cache<RewriteKey, Rewrite> rewrites = SqlCacheWeights.cache(10_000, SqlCacheWeights.DEFAULT_BYTES,
            k -> SqlCacheWeights.of(k.sql(), 0), r -> SqlCacheWeights.of(r.sql(), 0), false);
    private final FailureSummary failures;
    private final DirtyKeys dirty;
    private final SegmentSequence sequence;
    private final Map<String, IdGenerator> generators;
    private final ScheduledFuture<?> refresh;
    private final KeyFence fence = new KeyFence();
    private final long maxBufferedSecondaryBytes;
    private final EngineLiveWrites live = new EngineLiveWrites(this);
    /** The old side's AUTO_INCREMENT step when a multi-row INSERT's ids are consecutive; 0 unknown, -1 never. */
    private volatile long autoIncrementStep;
    private volatile Breakers breakers;
    private final SecondaryRunner runner = new SecondaryRunner(MAX_SECONDARY_WORKERS);
    private final ShadowReads shadows;
    private final AsyncLanes lanes;
    private final OutageCovers covers;
    /** Secondary calls past their deadline that have not returned yet, by side. */
    private final java.util.concurrent.atomic.AtomicIntegerArray stuck = new java.util.concurrent.atomic.AtomicIntegerArray(2);
    /** Secondary calls in flight at most, stuck ones included. */
    static final int MAX_SECONDARY_WORKERS = 64;
    /** Stuck calls to one side beyond which its secondary work fails at once (the side hangs). */
    static final int MAX_STUCK_PER_SIDE = 4;
    /** Added to the secondary timeout: a server-side query timeout (same value) may answer first. */
    static final long DEADLINE_MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(25);

    /** Creates the engine; {@link io.github.dualwrite.DualWriteDataSource.Builder} is the way to call this. */
    public Engine(DataSource oldDataSource, DataSource newDataSource, MigrationControl control, SqlClassifier classifier,
                  Journal journal, Clock clock, Options options) {
        this.oldDataSource = Objects.requireNonNull(oldDataSource, "oldDataSource");
        this.newDataSource = Objects.requireNonNull(newDataSource, "newDataSource");
        this.control = Objects.requireNonNull(control, "control");
        this.classifier = Objects.requireNonNull(classifier, "classifier");
        this.journal = Objects.requireNonNull(journal, "journal");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.router = new Router(control);
        this.failures = new FailureSummary(clock, Duration.ofSeconds(10));
        this.generators = Map.copyOf(options.generators());
        this.maxBufferedSecondaryBytes = options.maxBufferedSecondaryBytes();
        long margin = options.sequenceMargin();
        this.sequence = options.sequence() == null ? null
                : options.sequence().withFloor(name -> highestId(name) + margin);
        control.addValidator(this::supported);
        this.breakers = new Breakers(control.current().config().secondary().circuitBreaker(), clock);
        this.dirty = new DirtyKeys(journal, options.maxDirtyKeys());
        journal.addListener(dirty);
        dirty.refreshQuietly();
        Duration every = options.dirtyKeysRefresh();
        this.shadows = new ShadowReads(this, options.scheduler());
        this.lanes = new AsyncLanes(this, options.async());
        // an outage entry's lease is read by repairers in other processes, on their wall clocks: it is written in
        // wall-clock time whatever clock this engine was given for its own records
        this.covers = new OutageCovers(journal, dirty, Clock.systemUTC(), System::nanoTime, options.scheduler(),
                side -> breaker(side).getState() == CircuitBreaker.State.CLOSED,
                java.lang.management.ManagementFactory.getRuntimeMXBean().getName(), OutageCovers.LEASE);
        Duration timeout = control.current().config().secondary().timeout();
        for (Side side : Side.values()) {
            PoolCheck.advise(dataSource(side), side, timeout).forEach(advice -> log.warn("dualwrite: {}", advice));
        }
        this.refresh = options.scheduler().scheduleWithFixedDelay(dirty::refreshQuietly, every.toMillis(),
                every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * What the engine needs besides the two sides: id sources, the read-your-writes guard's bounds, and the
     * scheduler that refreshes it.
     *
     * @param sequence         the segment sequence of tables with {@code id-source: SEQUENCE}, or null
     * @param sequenceMargin   how far above both sides' highest id a new sequence starts
     * @param generators       the id generators of tables with {@code id-source: GENERATOR}, by lower-case table
     * @param maxDirtyKeys     users with unrepaired entries tracked one by one before a whole unit counts
     * @param dirtyKeysRefresh how often the guard re-reads the journal (other instances' entries)
     * @param scheduler        runs the refresh
     * @param maxBufferedSecondaryBytes bytes of parameters a transaction keeps for its secondary writes
     * @param async            the ASYNC mode's lanes
     */
    public record Options(SegmentSequence sequence, long sequenceMargin, Map<String, IdGenerator> generators,
                          int maxDirtyKeys, Duration dirtyKeysRefresh, ScheduledExecutorService scheduler,
                          long maxBufferedSecondaryBytes, AsyncLanes.Settings async) {
    }

    /** Bytes of parameters a transaction keeps for its secondary writes by default (16 MiB). */
    static final long DEFAULT_MAX_BUFFERED_SECONDARY_BYTES = 16L << 20;

    /** Bytes of parameters a transaction keeps for its secondary writes; past it, writes are kept by key. */
    long maxBufferedSecondaryBytes() {
        return maxBufferedSecondaryBytes;
    }

    /** Refuses documents this engine cannot honour, so they never become the document in force. */
    private List<ConfigProblem> supported(MigrationConfig config) {
        List<ConfigProblem> problems = new ArrayList<>();
        for (UnitConfig unit : config.units().values()) {
            for (TableConfig t : unit.tables().values()) {
                String path = "units." + unit.name() + ".tables." + t.name() + ".id-source";
                if (t.idSource() == TableConfig.IdSource.SEQUENCE && sequence == null) {
                    problems.add(new ConfigProblem(path, "SEQUENCE needs a sequence on the data source: build it with"
                            + " DualWriteDataSource.builder().sequence(SegmentSequence.builder(dataSource).build())"));
                }
                if (t.idSource() == TableConfig.IdSource.GENERATOR && !generators.containsKey(key(t.name()))) {
                    problems.add(new ConfigProblem(path, "GENERATOR needs an IdGenerator for " + t.name()
                            + ": register it with DualWriteDataSource.builder().idGenerator(\"" + t.name() + "\", generator)"));
                }
            }
        }
        return problems;
    }

    private static String key(String table) {
        return table.toLowerCase(Locale.ROOT);
    }

    /** {@code count} new ids for {@code table} from its id source. */
    List<Object> newIds(TableConfig table, int count) throws SQLException {
        IdGenerator source = table.idSource() == TableConfig.IdSource.SEQUENCE ? sequence : generators.get(key(table.name()));
        if (source == null) {
            throw new SQLException("dualwrite: no " + table.idSource() + " id source for table " + table.name(), "HY000");
        }
        List<Object> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Object id;
            try {
                id = source.nextId(key(table.name()));
            } catch (RuntimeException e) {
                throw new SQLException("dualwrite: the id source of table " + table.name() + " failed: " + e, "HY000", e);
            }
            if (id == null) {
                throw new SQLException("dualwrite: the id source of table " + table.name() + " returned null", "HY000");
            }
            ids.add(id);
        }
        return ids;
    }

    /**
     * The highest id either side holds for a table, where a new sequence must start above. The authority's
     * answer is required; a secondary that cannot answer is left out (it holds copies of the authority's rows),
     * so a sick secondary never fails the business call that happens to create the sequence.
     */
    private long highestId(String table) throws SQLException {
        UnitConfig unit = control.current().config().unitOfTable(table)
                .orElseThrow(() -> new SQLException("dualwrite: sequence '" + table + "' names no migrated table"));
        TableConfig t = unit.table(table).orElseThrow();
        String sql = "SELECT MAX(" + t.primaryKey().get(0) + ") FROM " + t.name();
        java.util.Set<Side> required = java.util.EnumSet.of(unit.stage().authority(), unit.gray().stage().authority());
        long max = 0;
        for (Side side : Side.values()) {
            try (Connection c = dataSource(side).getConnection(); Statement s = c.createStatement()) {
                if (!required.contains(side)) {
                    s.setQueryTimeout(secondaryTimeoutSeconds()); // a hung secondary must not hold the business call
                }
                try (ResultSet rs = s.executeQuery(sql)) {
                    if (rs.next() && rs.getObject(1) != null) {
                        max = Math.max(max, rs.getLong(1));
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (required.contains(side)) {
                    throw e instanceof SQLException q ? q : new SQLException("dualwrite: cannot read the highest id of "
                            + table + " on " + side + ": " + e, "HY000", e);
                }
                log.warn("dualwrite: sequence {} starts above the authority's highest id only: the {} side could not be"
                        + " read ({}); preflight checks both sides", table, side, e.toString());
            }
        }
        return max;
    }

    /**
     * The ids of a multi-row INSERT when the old side's driver reported only the first (MariaDB Connector/J):
     * on MySQL/MariaDB with {@code innodb_autoinc_lock_mode} 0 or 1 the ids of one simple INSERT are
     * consecutive, {@code auto_increment_increment} apart. Null when that cannot be known.
     */
    List<Object> consecutiveIds(DualWriteConnection conn, List<Object> reported, int rows) throws SQLException {
        if (reported.size() != 1 || rows < 2 || !(reported.get(0) instanceof Number first)) {
            return null;
        }
        long step = autoIncrementStep;
        if (step == 0) {
            step = readAutoIncrementStep(conn.physical(Side.OLD));
            autoIncrementStep = step;
        }
        if (step < 0) {
            return null;
        }
        List<Object> ids = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            ids.add(first.longValue() + i * step);
        }
        return ids;
    }

    private static long readAutoIncrementStep(Connection old) throws SQLException {
        String product = old.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        if (!product.contains("mysql") && !product.contains("mariadb")) {
            return -1;
        }
        try (Statement s = old.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@innodb_autoinc_lock_mode, @@auto_increment_increment")) {
            rs.next();
            return rs.getInt(1) <= 1 ? rs.getLong(2) : -1;
        }
    }

    /** The read-your-writes guard. */
    DirtyKeys dirtyKeys() {
        return dirty;
    }

    /** Keeps one user's writes with different sides first apart. */
    KeyFence fence() {
        return fence;
    }

    /** What repairs in this process need to know about live writes. */
    public io.github.dualwrite.sync.RowSync.LiveWrites liveWrites() {
        return live;
    }

    /** Re-reads the journal for the read-your-writes guard now. */
    public void refreshDirtyKeys() {
        dirty.refresh();
    }

    /** Counts a secondary write that failed or was skipped, for the WARN summary. */
    void secondaryFailed(String unit, Side side, String what) {
        // a driver's message may quote the values written (Duplicate entry '...'): the WARN shows none
        failures.failed(unit, side, io.github.dualwrite.journal.JournalPolicy.withoutValues(what));
    }

    /** Stops the refresh of the read-your-writes guard and the secondary workers. */
    public void close() {
        refresh.cancel(false);
        lanes.close(); // before the workers it runs on
        runner.close();
        shadows.close();
        covers.close(); // after the lanes: what they journal on closing may be buffered
    }

    /**
     * Runs secondary work on a worker within the secondary deadline ({@code secondary.timeout} + 25 ms); fails
     * at once while {@value #MAX_STUCK_PER_SIDE} earlier calls to that side have not returned.
     */
    <T> T onSecondary(Side side, String what, SecondaryRunner.Call<T> call) throws SQLException {
        int hung = stuck.get(side.ordinal());
        if (hung >= MAX_STUCK_PER_SIDE) {
            throw new SQLException("dualwrite: " + what + " not run: " + hung + " earlier calls to " + side
                    + " have not returned after their deadline (the side hangs)", "HYT00");
        }
        try {
            return runner.call(call, secondaryDeadlineNanos(), what + " on " + side);
        } catch (SecondaryRunner.TimedOut t) {
            stats.secondaryTimeouts.increment();
            stuck.incrementAndGet(side.ordinal());
            t.stuck().whenComplete((r, e) -> stuck.decrementAndGet(side.ordinal()));
            journalHomeSick(side);
            throw t;
        } catch (SQLException | RuntimeException e) {
            if (SecondaryRunner.connectivity(e)) {
                journalHomeSick(side);
            }
            throw e;
        }
    }

    /**
     * The side did not answer: when the journal's table lives on it (the old side in NEW_PRIMARY, by default),
     * the journal goes to its file at once instead of making the caller wait for the same database again.
     */
    private void journalHomeSick(Side side) {
        if (journal instanceof io.github.dualwrite.journal.FallbackJournal f && f.storesIn(dataSource(side))) {
            f.suspect();
        }
    }

    /** The ASYNC mode's lanes. */
    AsyncLanes lanes() {
        return lanes;
    }

    /** Whether the document in force runs secondary writes ASYNC. */
    boolean asyncMode() {
        return control.current().config().secondary().mode() == MigrationConfig.WriteMode.ASYNC;
    }

    /** Samples reads for comparison with the other side (shadow reads). */
    ShadowReads shadows() {
        return shadows;
    }

    /**
     * Aborts a connection whose call hung, in the background (see {@link SecondaryRunner#abortLater}), and
     * closes it once {@code after} completes ({@code null}: its user closes it).
     */
    void abortLater(Connection c, java.util.concurrent.CompletableFuture<?> after) {
        runner.abortLater(c, after);
    }

    /** How long a caller waits for the secondary at most. */
    long secondaryDeadlineNanos() {
        return control.current().config().secondary().timeout().toNanos() + DEADLINE_MARGIN_NANOS;
    }

    /** A snapshot of the counters. */
    public DualWriteStats stats() {
        EngineStats s = stats;
        return new DualWriteStats(s.readsOld.sum(), s.readsNew.sum(), s.writes.sum(), s.passThrough.sum(),
                s.secondaryWrites.sum(), s.secondaryFailures.sum(), s.rowCountMismatches.sum(),
                s.breakerRejections.sum(), s.journaled.sum(), journal.lostCount(), s.unkeyed.sum(), s.rejected.sum(),
                s.secondaryTimeouts.sum(), s.shadowReads.sum(), s.shadowMismatches.sum(), stuck.get(0) + stuck.get(1),
                lanes.queued(), s.asyncDropped.sum(), covers.openCount(), covers.bufferedCount());
    }

    /**
     * Where {@code sql} with {@code params} would go now, for the calling thread's routing scope, without
     * running it.
     */
    public io.github.dualwrite.StatementRoute explain(String sql, Object... params) {
        SqlShape shape = classifier.classify(sql);
        RoutingTable table = router.table();
        try {
            Plan p = Planner.decide(shape, params, CallContext.capture(sql), table, null, false, dirty).apply(null);
            return new io.github.dualwrite.StatementRoute(sql, shape.kind().name(), shape.tables(),
                    p.unit() == null ? null : p.unit().name(), p.stage(),
                    p.keys().stream().map(Object::toString).toList(), p.keySource(), p.primary(), p.secondary(),
                    p.journalInstead() == null ? null : p.journalInstead().name(), null, p.reason(), table.version());
        } catch (SQLException e) {
            return new io.github.dualwrite.StatementRoute(sql, shape.kind().name(), shape.tables(), null, null,
                    List.of(), StatementRoute.KeySource.NONE, null, null, null, e.getMessage(), "refused", table.version());
        }
    }

    /** Opens a logical connection; physical ones are opened when a side is first needed. */
    public Connection connect() {
        return new DualWriteConnection(this);
    }

    DataSource dataSource(Side side) {
        return side == Side.OLD ? oldDataSource : newDataSource;
    }

    RoutingTable table() {
        return router.table();
    }

    SqlShape classify(String sql) {
        return classifier.classify(sql);
    }

    Clock clock() {
        return clock;
    }

    EngineStats counters() {
        return stats;
    }

    MigrationControl control() {
        return control;
    }

    Journal journal() {
        return journal;
    }

    /** The breaker in front of {@code side} when it is secondary, following the document in force. */
    CircuitBreaker breaker(Side side) {
        Breakers b = breakers;
        MigrationConfig.CircuitBreaker settings = control.current().config().secondary().circuitBreaker();
        if (!b.settings.equals(settings)) {
            b = new Breakers(settings, clock);
            breakers = b;
        }
        return side == Side.OLD ? b.old : b.neu;
    }

    /**
     * Whether the breaker in front of {@code side} refuses calls now. Asked without taking a call's permission;
     * an OPEN breaker whose wait is over moves to HALF_OPEN here, as it would for a call.
     */
    boolean breakerOpen(Side side) {
        CircuitBreaker b = breaker(side);
        if (b.getState() != CircuitBreaker.State.OPEN) {
            return false;
        }
        if (b.tryAcquirePermission()) {
            b.releasePermission();
            return false;
        }
        return true;
    }

    /** Closes both breakers. */
    public void resetBreakers() {
        breakers.old.reset();
        breakers.neu.reset();
    }

    /** Query timeout for secondary statements, in JDBC's whole seconds (at least 1). */
    int secondaryTimeoutSeconds() {
        long ms = control.current().config().secondary().timeout().toMillis();
        return (int) Math.max(1, (ms + 999) / 1000);
    }

    /**
     * Stores entries durably (the journal never throws) and counts them. Writes a breaker made skip are covered
     * by an outage entry and stored in the background ({@link OutageCovers}) when the journal allows it.
     */
    void journal(List<JournalEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        stats.journaled.add(entries.size());
        if (!covers.take(entries)) {
            journal.record(entries);
        }
    }

    /** The rewrite of {@code shape} carrying ids (null column: none) and call values, cached per SQL text. */
    Rewrite rewrite(SqlShape shape, String idColumn, boolean calls) {
        return rewrites.get(new RewriteKey(shape.sql(), idColumn, calls), k -> Rewrite.of(shape, idColumn, calls));
    }

    private record RewriteKey(String sql, String idColumn, boolean calls) {
    }

    /** Logs a message once per kind and SQL text, to keep logs readable under load; built only when logged. */
    void warnOnce(String kind, String sql, java.util.function.Supplier<String> message) {
        WarnKey key = new WarnKey(kind, sql);
        if (warned.getIfPresent(key) == null && warned.asMap().putIfAbsent(key, Boolean.TRUE) == null) {
            log.warn(message.get());
        }
    }

    private record WarnKey(String kind, String sql) {
    }

    /** Circuit breakers for the two sides, built from one version of the settings. */
    private static final class Breakers {
        final MigrationConfig.CircuitBreaker settings;
        final CircuitBreaker old;
        final CircuitBreaker neu;

        Breakers(MigrationConfig.CircuitBreaker s, Clock clock) {
            this.settings = s;
            CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                    .failureRateThreshold(s.failureRateThreshold())
                    .slowCallRateThreshold(s.slowCallRateThreshold())
                    .slowCallDurationThreshold(s.slowCallDuration())
                    .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                    .slidingWindowSize(s.slidingWindowSize())
                    .minimumNumberOfCalls(s.minimumNumberOfCalls())
                    .waitDurationInOpenState(s.waitInOpenState())
                    .permittedNumberOfCallsInHalfOpenState(s.permittedCallsInHalfOpenState())
                    .clock(clock)
                    .build();
            this.old = watched(CircuitBreaker.of("dualwrite-secondary-old", config), Side.OLD);
            this.neu = watched(CircuitBreaker.of("dualwrite-secondary-new", config), Side.NEW);
        }

        /** Operators must see a breaker change state: every transition is logged at WARN. */
        private static CircuitBreaker watched(CircuitBreaker breaker, Side side) {
            breaker.getEventPublisher().onStateTransition(e -> log.warn("dualwrite: circuit breaker in front of the {}"
                    + " side went {} -> {}{}", side, e.getStateTransition().getFromState(),
                    e.getStateTransition().getToState(), e.getStateTransition().getToState() == CircuitBreaker.State.OPEN
                            ? "; secondary writes to " + side + " are journaled without being tried" : ""));
            return breaker;
        }
    }
}
