package io.github.dualwrite.spring;

import io.github.dualwrite.config.ConfigProblem;
import io.github.dualwrite.config.InvalidConfigException;
import io.github.dualwrite.config.MigrationControl;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last accepted change and the last rejected one, whichever source they came from (Environment refresh,
 * config table, actuator), for the endpoint. Changes that never reach the control (a value of the wrong type,
 * an unknown key) are logged, recorded and counted here.
 */
final class ConfigHistory implements MigrationControl.Listener {

    private static final Logger log = LoggerFactory.getLogger(ConfigHistory.class);

    private final Clock clock;
    private final AtomicReference<Event> lastChange = new AtomicReference<>();
    private final AtomicReference<Event> lastRejection = new AtomicReference<>();
    private final AtomicLong refusedEarly = new AtomicLong();

    ConfigHistory(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void onChange(MigrationControl.Change change) {
        MigrationControl.Snapshot s = change.current();
        lastChange.set(new Event(s.source(), s.acceptedAt(), s.version(), change.changes(), change.forced()));
    }

    @Override
    public void onRejected(String source, List<ConfigProblem> problems) {
        lastRejection.set(new Event(source, clock.instant(), -1, lines(problems), List.of()));
    }

    /**
     * A change from {@code source} refused before it reached the control (a value of the wrong type, an unknown
     * key, a POST that builds no valid document): logged at WARN, counted, kept out.
     */
    void rejectedBeforeControl(String source, InvalidConfigException e, long versionInForce) {
        refusedEarly.incrementAndGet();
        log.warn("dualwrite config from {} rejected, v{} stays in force: {}", source, versionInForce, e.getMessage());
        lastRejection.set(new Event(source, clock.instant(), -1, lines(e.problems()), List.of()));
    }

    Event lastChange() {
        return lastChange.get();
    }

    Event lastRejection() {
        return lastRejection.get();
    }

    /** Documents rejected before reaching the control because they could not be bound. */
    long rejectedBeforeControlCount() {
        return refusedEarly.get();
    }

    private static List<String> lines(List<ConfigProblem> problems) {
        return problems.stream().map(ConfigProblem::toString).toList();
    }

    /**
     * One accepted or rejected document.
     *
     * @param source  where it came from
     * @param at      when
     * @param version the version it became (-1 when rejected)
     * @param lines   what changed, or why it was rejected
     * @param forced  illegal moves let through by force
     */
    record Event(String source, Instant at, long version, List<String> lines, List<String> forced) {
    }
}
