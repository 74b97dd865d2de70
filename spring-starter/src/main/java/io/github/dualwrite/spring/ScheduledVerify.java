package io.github.dualwrite.spring;

import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.config.UnitConfig;
import io.github.dualwrite.sync.Verifier;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Incremental verification on a schedule ({@code dualwrite.verify.enabled=true}): every interval, each unit
 * that writes both sides is verified over the rows changed since the previous run started (less an overlap for
 * writes in flight). Results are kept for the endpoint; differences are logged at WARN.
 */
final class ScheduledVerify implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ScheduledVerify.class);

    private final Verifier verifier;
    private final MigrationControl control;
    private final DualWriteProperties.Verify settings;
    private final Clock clock;
    private final Map<String, Instant> lastStart = new ConcurrentHashMap<>();
    private final Map<String, Result> results = new ConcurrentHashMap<>();
    private ScheduledExecutorService executor;

    ScheduledVerify(Verifier verifier, MigrationControl control, DualWriteProperties.Verify settings, Clock clock) {
        this.verifier = verifier;
        this.control = control;
        this.settings = settings;
        this.clock = clock;
    }

    synchronized void start() {
        if (executor == null) {
            executor = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "dualwrite-verify");
                t.setDaemon(true);
                return t;
            });
            long ms = settings.getInterval().toMillis();
            executor.scheduleWithFixedDelay(this::runQuietly, ms, ms, TimeUnit.MILLISECONDS);
        }
    }

    /** One run over every unit to verify; returns the results of this run by unit. */
    Map<String, Result> runOnce() throws InterruptedException {
        Map<String, Result> run = new TreeMap<>();
        for (String unit : units()) {
            Instant start = clock.instant();
            Duration lookBack = settings.getInterval().plus(settings.getOverlap());
            Instant previous = lastStart.get(unit);
            Instant since = previous != null ? previous.minus(settings.getOverlap()) : start.minus(lookBack);
            Result result;
            try {
                Verifier.Report report = verifier.since(unit, since);
                result = new Result(start, report.equal(), report.line(), null);
                lastStart.put(unit, start);
                if (!report.equal()) {
                    log.warn("dualwrite scheduled verify found differences: {}", report.line());
                }
            } catch (SQLException | RuntimeException e) {
                result = new Result(start, false, null, e.toString());
                log.warn("dualwrite scheduled verify of unit {} failed; trying again in {}", unit, settings.getInterval(), e);
            }
            results.put(unit, result);
            run.put(unit, result);
        }
        return run;
    }

    private void runQuietly() {
        try {
            runOnce();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("dualwrite scheduled verify failed", e);
        }
    }

    /** The units to verify now: the configured ones, or every unit some of whose users write both sides. */
    List<String> units() {
        if (!settings.getUnits().isEmpty()) {
            return List.copyOf(settings.getUnits());
        }
        return control.current().config().units().values().stream()
                .filter(u -> u.stage().writesBoth() || u.hasGray() && u.gray().stage().writesBoth())
                .map(UnitConfig::name).toList();
    }

    /** The last result of each unit verified since start. */
    Map<String, Result> results() {
        return new TreeMap<>(results);
    }

    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
            try {
                if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                    log.warn("dualwrite scheduled verify did not stop within 30 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * One unit's verification.
     *
     * @param at    when it started
     * @param equal whether both sides were equal
     * @param line  the verifier's summary line, null when it failed
     * @param error why it failed, null when it ran
     */
    record Result(Instant at, boolean equal, String line, String error) {
    }
}
