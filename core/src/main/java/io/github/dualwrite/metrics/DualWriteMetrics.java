package io.github.dualwrite.metrics;

import io.github.dualwrite.DualWriteDataSource;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.UnitConfig;
import io.github.dualwrite.DualWriteStats;
import io.github.dualwrite.journal.Journal;
import io.github.dualwrite.sync.Repairer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the counters of a {@link DualWriteDataSource} (and optionally of a {@link Repairer}) to a Micrometer
 * registry. Every meter reads the library's own counters when the registry is scraped, so nothing is added
 * to the statement path, and a failing read shows as NaN instead of reaching a caller.
 *
 * <pre>{@code
 * DualWriteMetrics.of(dataSource).repairer(repairer).tags("app", "points-service").bindTo(registry);
 * }</pre>
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 *   <tr><td>dualwrite.reads</td><td>counter</td><td>side=old|new</td><td>reads served by each side</td></tr>
 *   <tr><td>dualwrite.writes</td><td>counter</td><td></td><td>writes run, once each whatever the number of sides</td></tr>
 *   <tr><td>dualwrite.pass.through</td><td>counter</td><td></td><td>executions that needed no routing</td></tr>
 *   <tr><td>dualwrite.secondary.writes</td><td>counter</td><td>outcome=success|failure|breaker.open</td>
 *       <td>secondary writes; failures and breaker-skipped writes were journaled</td></tr>
 *   <tr><td>dualwrite.secondary.row.count.mismatches</td><td>counter</td><td></td>
 *       <td>secondary row counts that differed from the authority's (journaled)</td></tr>
 *   <tr><td>dualwrite.statements.unkeyed</td><td>counter</td><td></td><td>dual writes without routing key</td></tr>
 *   <tr><td>dualwrite.statements.rejected</td><td>counter</td><td></td><td>statements refused with an SQLException</td></tr>
 *   <tr><td>dualwrite.journal.entries</td><td>counter</td><td></td><td>journal entries written</td></tr>
 *   <tr><td>dualwrite.journal.lost</td><td>counter</td><td></td><td>entries no journal could store (logged at ERROR): alert on any</td></tr>
 *   <tr><td>dualwrite.journal.pending</td><td>gauge</td><td></td><td>entries waiting for repair (one COUNT query per scrape)</td></tr>
 *   <tr><td>dualwrite.journal.unresolved</td><td>gauge</td><td>status=pending|conflict|dead, behind=old|new|any</td>
 *       <td>entries that need the repairer (pending, by the side behind) or a person (conflict, dead): alert on
 *       conflict or dead above zero (one stats query per scrape, kept for a second)</td></tr>
 *   <tr><td>dualwrite.journal.size</td><td>gauge</td><td></td><td>entries the journal holds, DONE ones included
 *       (bounded by the retention purge; one stats query per scrape, kept for a second)</td></tr>
 *   <tr><td>dualwrite.journal.oldest.unresolved.age</td><td>gauge</td><td></td><td>seconds since the oldest entry that
 *       still needs work was written: alert when it grows</td></tr>
 *   <tr><td>dualwrite.config.version</td><td>gauge</td><td></td><td>version of the document in force</td></tr>
 *   <tr><td>dualwrite.config.rejected</td><td>counter</td><td></td><td>documents rejected by validation or transition rules</td></tr>
 *   <tr><td>dualwrite.unit.stage</td><td>gauge</td><td>unit</td><td>the unit's base stage, 0 (OLD_ONLY) .. 4 (NEW_ONLY); NaN once removed</td></tr>
 *   <tr><td>dualwrite.unit.gray.ratio</td><td>gauge</td><td>unit</td><td>basis points of users in the gray stage</td></tr>
 *   <tr><td>dualwrite.repair.entries</td><td>counter</td><td>outcome=claimed|repaired|failed|dead|conflict</td><td>the repairer's work</td></tr>
 * </table>
 *
 * Units added by a later document get their gauges when that document is accepted.
 */
public final class DualWriteMetrics implements MeterBinder {

    private static final Logger log = LoggerFactory.getLogger(DualWriteMetrics.class);

    private final DualWriteDataSource dataSource;
    private final Repairer repairer;
    private final Tags tags;

    private DualWriteMetrics(DualWriteDataSource dataSource, Repairer repairer, Tags tags) {
        this.dataSource = dataSource;
        this.repairer = repairer;
        this.tags = tags;
    }

    /** Meters for {@code dataSource}: its statements, journal and stage switch. */
    public static DualWriteMetrics of(DualWriteDataSource dataSource) {
        return new DualWriteMetrics(Objects.requireNonNull(dataSource, "dataSource"), null, Tags.empty());
    }

    /** Adds the meters of {@code value}, the repairer draining this DataSource's journal. */
    public DualWriteMetrics repairer(Repairer value) {
        return new DualWriteMetrics(dataSource, Objects.requireNonNull(value, "repairer"), tags);
    }

    /** Adds tags to every meter, as key-value pairs ({@code "app", "points"}). */
    public DualWriteMetrics tags(String... keyValues) {
        return new DualWriteMetrics(dataSource, repairer, tags.and(keyValues));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        stat(registry, "dualwrite.reads", "reads served by the side", DualWriteStats::readsOld, "side", "old");
        stat(registry, "dualwrite.reads", "reads served by the side", DualWriteStats::readsNew, "side", "new");
        stat(registry, "dualwrite.writes", "writes run", DualWriteStats::writes);
        stat(registry, "dualwrite.pass.through", "executions that needed no routing", DualWriteStats::passThrough);
        stat(registry, "dualwrite.secondary.writes", "secondary writes", DualWriteStats::secondaryWrites,
                "outcome", "success");
        stat(registry, "dualwrite.secondary.writes", "secondary writes", DualWriteStats::secondaryFailures,
                "outcome", "failure");
        stat(registry, "dualwrite.secondary.writes", "secondary writes", DualWriteStats::breakerRejections,
                "outcome", "breaker.open");
        stat(registry, "dualwrite.secondary.timeouts", "secondary calls abandoned at the deadline",
                DualWriteStats::secondaryTimeouts);
        gauge(registry, "dualwrite.secondary.stuck", "secondary calls past their deadline still running", dataSource,
                ds -> ds.stats().secondaryStuck(), Tags.empty());
        gauge(registry, "dualwrite.async.queued", "ASYNC secondary writes queued or running", dataSource,
                ds -> ds.stats().asyncQueued(), Tags.empty());
        gauge(registry, "dualwrite.journal.outages.open", "outage entries held open: a breaker makes writes skip",
                dataSource, ds -> ds.stats().outagesOpen(), Tags.empty());
        gauge(registry, "dualwrite.journal.buffered", "journal entries of skipped writes waiting for their batch",
                dataSource, ds -> ds.stats().journalBuffered(), Tags.empty());
        stat(registry, "dualwrite.async.dropped", "ASYNC secondary writes journaled because a lane was full or closed",
                DualWriteStats::asyncDropped);
        stat(registry, "dualwrite.shadow.reads", "sampled reads compared with the other side", DualWriteStats::shadowReads,
                "outcome", "compared");
        stat(registry, "dualwrite.shadow.reads", "sampled reads compared with the other side",
                DualWriteStats::shadowMismatches, "outcome", "mismatch");
        stat(registry, "dualwrite.secondary.row.count.mismatches", "secondary row counts unlike the authority's",
                DualWriteStats::rowCountMismatches);
        stat(registry, "dualwrite.statements.unkeyed", "dual writes without routing key", DualWriteStats::unkeyed);
        stat(registry, "dualwrite.statements.rejected", "statements refused", DualWriteStats::rejected);
        stat(registry, "dualwrite.journal.entries", "journal entries written", DualWriteStats::journaled);
        stat(registry, "dualwrite.journal.lost", "journal entries no journal could store", DualWriteStats::journalLost);
        Journal journal = dataSource.journal();
        gauge(registry, "dualwrite.journal.pending", "journal entries waiting for repair", journal,
                j -> j.pendingCount(), Tags.empty());
        // one stats query serves every journal gauge of a scrape
        LoadingCache<Journal, Journal.Stats> stats = Caffeine.newBuilder().expireAfterWrite(Duration.ofSeconds(1))
                .build(Journal::stats);
        for (Side side : Side.values()) {
            gauge(registry, "dualwrite.journal.unresolved", "journal entries that need work", journal,
                    j -> stats.get(j).pendingBySide().getOrDefault(side, 0L),
                    Tags.of("status", "pending", "behind", side.name().toLowerCase(java.util.Locale.ROOT)));
        }
        gauge(registry, "dualwrite.journal.unresolved", "journal entries that need work", journal,
                j -> stats.get(j).conflicts(), Tags.of("status", "conflict", "behind", "any"));
        gauge(registry, "dualwrite.journal.unresolved", "journal entries that need work", journal,
                j -> stats.get(j).dead(), Tags.of("status", "dead", "behind", "any"));
        gauge(registry, "dualwrite.journal.size", "journal entries held, DONE ones included", journal,
                j -> stats.get(j).size(), Tags.empty());
        Gauge.builder("dualwrite.journal.oldest.unresolved.age", journal, safe("dualwrite.journal.oldest.unresolved.age",
                        j -> stats.get(j).oldestAge(dataSource.clock().instant()).toMillis() / 1000.0))
                .description("age of the oldest pending, dead or conflicting entry").baseUnit("seconds").tags(tags)
                .strongReference(true).register(registry);
        MigrationControl control = dataSource.control();
        gauge(registry, "dualwrite.config.version", "version of the document in force", control,
                c -> c.current().version(), Tags.empty());
        counter(registry, "dualwrite.config.rejected", "documents rejected", control, MigrationControl::rejectedCount,
                Tags.empty());
        Set<String> unitsWithGauges = ConcurrentHashMap.newKeySet();
        unitGauges(registry, control, unitsWithGauges);
        control.addListener(change -> unitGauges(registry, control, unitsWithGauges));
        if (repairer != null) {
            counter(registry, "dualwrite.repair.entries", "journal entries", repairer, Repairer::claimedCount,
                    Tags.of("outcome", "claimed"));
            counter(registry, "dualwrite.repair.entries", "journal entries", repairer, Repairer::repairedCount,
                    Tags.of("outcome", "repaired"));
            counter(registry, "dualwrite.repair.entries", "journal entries", repairer, Repairer::failedCount,
                    Tags.of("outcome", "failed"));
            counter(registry, "dualwrite.repair.entries", "journal entries", repairer, Repairer::deadCount,
                    Tags.of("outcome", "dead"));
            counter(registry, "dualwrite.repair.entries", "journal entries", repairer, Repairer::conflictCount,
                    Tags.of("outcome", "conflict"));
        }
    }

    /** Stage and gray ratio of each unit not seen before (a removed unit's gauges stay, reading NaN). */
    private void unitGauges(MeterRegistry registry, MigrationControl control, Set<String> done) {
        for (String unit : control.current().config().units().keySet()) {
            if (!done.add(unit)) {
                continue;
            }
            Tags unitTag = Tags.of("unit", unit);
            gauge(registry, "dualwrite.unit.stage", "base stage, 0 OLD_ONLY .. 4 NEW_ONLY", control,
                    c -> unit(c, unit) == null ? Double.NaN : unit(c, unit).stage().ordinal(), unitTag);
            gauge(registry, "dualwrite.unit.gray.ratio", "basis points of users in the gray stage", control,
                    c -> unit(c, unit) == null ? Double.NaN : unit(c, unit).gray().ratio(), unitTag);
        }
    }

    private static UnitConfig unit(MigrationControl control, String name) {
        return control.current().config().units().get(name);
    }

    private void stat(MeterRegistry registry, String name, String description, ToLongFunction<DualWriteStats> value,
                      String... tagPairs) {
        counter(registry, name, description, dataSource, ds -> value.applyAsLong(ds.stats()), Tags.of(tagPairs));
    }

    private <T> void counter(MeterRegistry registry, String name, String description, T source, ToLongFunction<T> value,
                             Iterable<Tag> extra) {
        FunctionCounter.builder(name, source, safe(name, value::applyAsLong))
                .description(description).tags(tags).tags(extra).register(registry);
    }

    private <T> void gauge(MeterRegistry registry, String name, String description, T source, ToDoubleFunction<T> value,
                           Iterable<Tag> extra) {
        Gauge.builder(name, source, safe(name, value)).description(description).tags(tags).tags(extra)
                .strongReference(true).register(registry);
    }

    /** A meter must never throw into the scrape (or, through a registry that scrapes inline, a caller). */
    private static <T> ToDoubleFunction<T> safe(String name, ToDoubleFunction<T> value) {
        return source -> {
            try {
                return value.applyAsDouble(source);
            } catch (RuntimeException e) {
                log.debug("dualwrite: meter {} could not be read", name, e);
                return Double.NaN;
            }
        };
    }
}
