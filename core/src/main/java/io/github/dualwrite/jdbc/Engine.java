package io.github.dualwrite.jdbc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.dualwrite.config.CircuitBreakerSettings;
import io.github.dualwrite.config.ConfigProblem;
import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.WriteMode;
import io.github.dualwrite.journal.Journal;
import io.github.dualwrite.journal.JournalEntry;
import io.github.dualwrite.routing.Router;
import io.github.dualwrite.routing.RoutingTable;
import io.github.dualwrite.sql.SqlClassifier;
import io.github.dualwrite.sql.SqlShape;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the connections of one dual-write DataSource share: both DataSources, the stage switch, the
 * SQL classifier, the journal, the circuit breakers in front of each side when it is secondary, and the
 * counters. Internal: applications use {@link io.github.dualwrite.DualWriteDataSource}.
 */
public final class Engine {

    private static final Logger log = LoggerFactory.getLogger(Engine.class);

    private final DataSource oldDataSource;
    private final DataSource newDataSource;
    private final MigrationControl control;
    private final Router router;
    private final SqlClassifier classifier;
    private final Journal journal;
    private final Clock clock;
    private final EngineStats stats = new EngineStats();
    private final Cache<WarnKey, Boolean> warned = Caffeine.newBuilder().maximumSize(10_000).build();
    private final Cache<String, InsertRewrite> rewrites = Caffeine.newBuilder().maximumSize(10_000).build();
    private volatile Breakers breakers;

    /** Creates the engine; {@link io.github.dualwrite.DualWriteDataSource.Builder} is the way to call this. */
    public Engine(DataSource oldDataSource, DataSource newDataSource, MigrationControl control, SqlClassifier classifier,
                  Journal journal, Clock clock) {
        this.oldDataSource = Objects.requireNonNull(oldDataSource, "oldDataSource");
        this.newDataSource = Objects.requireNonNull(newDataSource, "newDataSource");
        this.control = Objects.requireNonNull(control, "control");
        this.classifier = Objects.requireNonNull(classifier, "classifier");
        this.journal = Objects.requireNonNull(journal, "journal");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.router = new Router(control);
        control.addValidator(Engine::supported);
        this.breakers = new Breakers(control.current().config().secondary().circuitBreaker(), clock);
    }

    /** Refuses documents this engine cannot honour, so they never become the document in force. */
    private static List<ConfigProblem> supported(MigrationConfig config) {
        if (config.secondary().mode() == WriteMode.ASYNC) {
            return List.of(new ConfigProblem("secondary.mode", "ASYNC is not supported by this version of the"
                    + " dual-write engine; use SYNC"));
        }
        return List.of();
    }

    /** A snapshot of the counters. */
    public DualWriteStats statistics() {
        EngineStats s = stats;
        return new DualWriteStats(s.readsOld.sum(), s.readsNew.sum(), s.writes.sum(), s.passThrough.sum(),
                s.secondaryWrites.sum(), s.secondaryFailures.sum(), s.rowCountMismatches.sum(),
                s.breakerRejections.sum(), s.journaled.sum(), journal.lostCount(), s.unkeyed.sum(), s.rejected.sum());
    }

    /**
     * Where {@code sql} with {@code params} would go now, for the calling thread's routing scope, without
     * running it.
     */
    public io.github.dualwrite.routing.StatementRoute explain(String sql, Object... params) {
        SqlShape shape = classifier.classify(sql);
        RoutingTable table = router.table();
        try {
            Plan p = Planner.plan(shape, params, CallContext.capture(sql), table, null, false);
            return new io.github.dualwrite.routing.StatementRoute(sql, shape.kind().name(), shape.tables(),
                    p.unit() == null ? null : p.unit().name(), p.stage(),
                    p.keys().stream().map(Object::toString).toList(), p.keySource(), p.primary(), p.secondary(),
                    p.journalInstead() == null ? null : p.journalInstead().name(), null, p.reason(), table.version());
        } catch (SQLException e) {
            return new io.github.dualwrite.routing.StatementRoute(sql, shape.kind().name(), shape.tables(), null, null,
                    List.of(), "none", null, null, null, e.getMessage(), "refused", table.version());
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

    EngineStats stats() {
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
        CircuitBreakerSettings settings = control.current().config().secondary().circuitBreaker();
        if (!b.settings.equals(settings)) {
            b = new Breakers(settings, clock);
            breakers = b;
        }
        return side == Side.OLD ? b.old : b.neu;
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

    /** Stores entries durably (the journal never throws) and counts them. */
    void journal(List<JournalEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        stats.journaled.add(entries.size());
        journal.record(entries);
    }

    /** The rewrite that carries the generated ids into an INSERT, cached per SQL text and column. */
    InsertRewrite rewrite(SqlShape shape, String idColumn) {
        return rewrites.get(shape.sql() + '\u0000' + idColumn, k -> InsertRewrite.of(shape, idColumn));
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
        final CircuitBreakerSettings settings;
        final CircuitBreaker old;
        final CircuitBreaker neu;

        Breakers(CircuitBreakerSettings s, Clock clock) {
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
            this.old = CircuitBreaker.of("dualwrite-secondary-old", config);
            this.neu = CircuitBreaker.of("dualwrite-secondary-new", config);
        }
    }
}
