package io.github.dualwrite.spring;

import io.github.dualwrite.DualWriteDataSource;
import io.github.dualwrite.DualWriteStats;
import io.github.dualwrite.config.InvalidConfigException;
import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.config.UnitConfig;
import io.github.dualwrite.journal.Journal;
import io.github.dualwrite.routing.Router;
import io.github.dualwrite.sync.Repairer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.lang.Nullable;

/**
 * {@code /actuator/dualwrite}: what the migration is doing, per unit, and (when
 * {@code dualwrite.admin.write-enabled=true}) a way to move a unit's stage or gray ratio.
 *
 * <ul>
 *   <li>GET: per unit the stage, gray stage and ratio, list sizes; the config version, the source and time of the
 *       last change and of the last rejection (with its reasons); breaker states; the journal by side behind, dead
 *       entries, conflicts and the oldest entry's age; repair counters; the last scheduled verify per unit.</li>
 *   <li>GET {@code /explain?unit=points&key=42}: where that user's statements go and why.</li>
 *   <li>POST {@code {"unit":"points","stage":"DUAL_WRITE","ratio":100,"by":"alice"}}: the same validation, legal
 *       moves, journal gate and audit line as any other change; 403 unless write-enabled.</li>
 * </ul>
 * No credential (URL, user, password) is ever part of a response. A POST changes this instance only: for a
 * fleet, change the config centre or the config table, which every instance follows.
 */
@Endpoint(id = "dualwrite")
public class DualWriteEndpoint {

    private final DualWriteDataSource dataSource;
    private final ConfigHistory history;
    private final Repairer repairer;
    private final ScheduledVerify verify;
    private final boolean writeEnabled;
    private final Router router;

    DualWriteEndpoint(DualWriteDataSource dataSource, ConfigHistory history, Repairer repairer, ScheduledVerify verify,
                      boolean writeEnabled) {
        this.dataSource = dataSource;
        this.history = history;
        this.repairer = repairer;
        this.verify = verify;
        this.writeEnabled = writeEnabled;
        this.router = new Router(dataSource.control());
    }

    /** The status report. */
    @ReadOperation
    public Map<String, Object> status() {
        MigrationControl control = dataSource.control();
        MigrationControl.Snapshot now = control.current();
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> units = new LinkedHashMap<>();
        now.config().units().values().forEach(u -> units.put(u.name(), unit(u)));
        out.put("units", units);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("version", now.version());
        config.put("source", now.source());
        config.put("acceptedAt", now.acceptedAt().toString());
        config.put("rejected", control.rejectedCount() + history.rejectedBeforeControlCount());
        config.put("lastChange", event(history.lastChange()));
        config.put("lastRejection", event(history.lastRejection()));
        out.put("config", config);
        out.put("breakers", lower(dataSource.breakerStates()));
        out.put("journal", journal());
        out.put("statements", stats(dataSource.stats()));
        out.put("repair", repair());
        out.put("verify", verify());
        out.put("admin", Map.of("writeEnabled", writeEnabled));
        return out;
    }

    /** {@code GET /actuator/dualwrite/explain?unit=..&key=..}: where a user's statements go and why. */
    @ReadOperation
    public WebEndpointResponse<Map<String, Object>> explain(@Selector String operation, String unit, String key) {
        if (!"explain".equals(operation)) {
            return new WebEndpointResponse<>(Map.of("error", "unknown operation '" + operation + "'; use explain"), 404);
        }
        if (dataSource.control().current().config().unit(unit).isEmpty()) {
            return new WebEndpointResponse<>(Map.of("error", "no unit '" + unit + "'; units: "
                    + dataSource.control().current().config().units().keySet()), 404);
        }
        Router.Explain e = router.explain(unit, key);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("unit", e.unit());
        out.put("key", String.valueOf(e.key()));
        out.put("bucket", e.bucket());
        out.put("rule", e.rule().name());
        out.put("baseStage", e.baseStage().name());
        out.put("grayStage", e.grayStage().name());
        out.put("ratio", e.ratio());
        out.put("gray", e.route().gray());
        out.put("stage", e.route().stage().name());
        out.put("authority", e.route().authority().name());
        out.put("readSide", e.route().readSide().name());
        out.put("writesBoth", e.route().writesBoth());
        out.put("configVersion", e.configVersion());
        out.put("explanation", e.toString());
        return new WebEndpointResponse<>(out, 200);
    }

    /**
     * Moves a unit's base stage, gray stage or gray ratio, checked like any other change (403 unless
     * {@code dualwrite.admin.write-enabled=true}; 400 when invalid or held back, with the reasons).
     */
    @WriteOperation
    public WebEndpointResponse<Map<String, Object>> change(String unit, @Nullable Stage stage, @Nullable Stage grayStage,
                                                           @Nullable Integer ratio, @Nullable Boolean force,
                                                           @Nullable String by, SecurityContext security) {
        if (!writeEnabled) {
            return new WebEndpointResponse<>(Map.of("error", "changes through the endpoint are disabled;"
                    + " set dualwrite.admin.write-enabled=true (and secure the actuator) to allow them"), 403);
        }
        MigrationControl control = dataSource.control();
        MigrationConfig current = control.current().config();
        UnitConfig before = current.unit(unit).orElse(null);
        if (before == null) {
            return new WebEndpointResponse<>(Map.of("error", "no unit '" + unit + "'; units: " + current.units().keySet()),
                    404);
        }
        String who = security != null && security.getPrincipal() != null ? security.getPrincipal().getName()
                : by != null && !by.isBlank() ? by : "anonymous";
        MigrationConfig next;
        try {
            UnitConfig.Gray gray = before.gray();
            if (grayStage != null) {
                gray = gray.withStage(grayStage);
            } else if (stage != null && !before.hasGray() && gray.stage() == before.stage()) {
                gray = gray.withStage(stage); // no gray share: it follows the base stage
            }
            if (ratio != null) {
                gray = gray.withRatio(ratio);
            }
            UnitConfig after = (stage != null ? before.withStage(stage) : before).withGray(gray);
            next = current.withUnit(after).withForce(Boolean.TRUE.equals(force));
        } catch (InvalidConfigException e) {
            history.rejectedBeforeControl("actuator:" + who, e, control.current().version());
            return new WebEndpointResponse<>(Map.of("outcome", "REJECTED",
                    "problems", e.problems().stream().map(Object::toString).toList()), 400);
        }
        MigrationControl.ApplyResult result = control.apply(next, "actuator:" + who);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("outcome", result.outcome().name());
        out.put("version", result.current().version());
        out.put("changes", result.changes());
        out.put("forced", result.forced());
        out.put("problems", result.problems().stream().map(Object::toString).toList());
        return new WebEndpointResponse<>(out, result.isInForce() ? 200 : 400);
    }

    private static Map<String, Object> unit(UnitConfig u) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("stage", u.stage().name());
        out.put("grayStage", u.gray().stage().name());
        out.put("grayRatio", u.gray().ratio());
        out.put("whitelistSize", u.gray().whitelist().size());
        out.put("blacklistSize", u.gray().blacklist().size());
        out.put("tables", List.copyOf(u.tables().keySet()));
        return out;
    }

    private Map<String, Object> journal() {
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            Journal.Stats s = dataSource.journal().stats();
            out.put("pendingBehindOld", s.pendingBySide().getOrDefault(Side.OLD, 0L));
            out.put("pendingBehindNew", s.pendingBySide().getOrDefault(Side.NEW, 0L));
            out.put("dead", s.dead());
            out.put("conflicts", s.conflicts());
            out.put("oldestUnresolvedAgeSeconds", s.oldestAge(dataSource.clock().instant()).toSeconds());
        } catch (RuntimeException e) {
            out.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        return out;
    }

    private Map<String, Object> repair() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("enabled", repairer != null);
        if (repairer != null) {
            out.put("claimed", repairer.claimedCount());
            out.put("repaired", repairer.repairedCount());
            out.put("failed", repairer.failedCount());
            out.put("dead", repairer.deadCount());
            out.put("conflicts", repairer.conflictCount());
        }
        return out;
    }

    private Map<String, Object> verify() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("enabled", verify != null);
        if (verify != null) {
            Map<String, Object> units = new LinkedHashMap<>();
            verify.results().forEach((unit, r) -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("at", r.at().toString());
                m.put("equal", r.equal());
                m.put("result", r.line() != null ? r.line() : r.error());
                units.put(unit, m);
            });
            out.put("lastResults", units);
        }
        return out;
    }

    private static Map<String, Object> stats(DualWriteStats s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("readsOld", s.readsOld());
        out.put("readsNew", s.readsNew());
        out.put("writes", s.writes());
        out.put("secondaryWrites", s.secondaryWrites());
        out.put("secondaryFailures", s.secondaryFailures());
        out.put("breakerRejections", s.breakerRejections());
        out.put("journaled", s.journaled());
        out.put("journalLost", s.journalLost());
        out.put("outagesOpen", s.outagesOpen());
        out.put("journalBuffered", s.journalBuffered());
        out.put("rejected", s.rejected());
        return out;
    }

    private static Map<String, Object> event(ConfigHistory.Event e) {
        if (e == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("source", e.source());
        out.put("at", e.at().toString());
        if (e.version() >= 0) {
            out.put("version", e.version());
            out.put("changes", e.lines());
            out.put("forced", e.forced());
        } else {
            out.put("problems", e.lines());
        }
        return out;
    }

    private static Map<String, String> lower(Map<Side, String> bySide) {
        Map<String, String> out = new LinkedHashMap<>();
        bySide.forEach((side, state) -> out.put(side.name().toLowerCase(Locale.ROOT), state));
        return out;
    }
}
