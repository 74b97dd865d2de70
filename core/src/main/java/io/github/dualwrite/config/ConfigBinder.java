package io.github.dualwrite.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads a document tree into a {@link MigrationConfig}, collecting every problem with its path. */
final class ConfigBinder {

    private ConfigBinder() {
    }

    static MigrationConfig bind(Map<String, Object> tree) {
        Problems problems = new Problems();
        Section root = new Section("", tree, problems);
        Map<String, UnitConfig> units = new LinkedHashMap<>();
        if (!root.has("units")) {
            problems.add("units", "is missing; write units: {} to migrate nothing");
        }
        root.namedSections("units").forEach((name, section) -> {
            UnitConfig unit = unit(name, section, problems);
            if (unit != null) {
                units.put(name, unit);
            }
        });
        MigrationConfig.Secondary secondary = secondary(root.section("secondary"), problems);
        MigrationConfig.UnkeyedPolicy unkeyed = root.choice("unkeyed-policy", MigrationConfig.UnkeyedPolicy.class, MigrationConfig.EMPTY.unkeyedPolicy());
        boolean force = root.flag("force", false);
        MigrationConfig.DataSources datasources = root.has("datasources") ? datasources(root.section("datasources"), problems) : null;
        root.rejectUnknownKeys();
        problems.throwIfAny();
        MigrationConfig config = problems.attempt("", () -> new MigrationConfig(units, secondary, unkeyed, force, datasources));
        problems.throwIfAny();
        return config;
    }

    private static UnitConfig unit(String name, Section s, Problems problems) {
        String routingColumn = s.text("routing-column", null);
        if (routingColumn == null) {
            problems.add(s.path("routing-column"), "is missing; name the column that holds the user id, e.g. user_id");
        }
        Stage stage = s.choice("stage", Stage.class, null);
        if (stage == null && !s.has("stage")) {
            problems.add(s.path("stage"), "is missing; give one of " + List.of(Stage.values()));
        }
        Map<String, TableConfig> tables = tables(s, problems);
        Section graySection = s.section("gray");
        Stage grayStage = graySection.choice("stage", Stage.class, stage);
        int ratio = graySection.whole("ratio", 0, "basis points 0..10000");
        Set<RoutingKey> whitelist = graySection.keys("whitelist");
        Set<RoutingKey> blacklist = graySection.keys("blacklist");
        graySection.rejectUnknownKeys();
        Section shadow = s.section("shadow-read");
        double sampleRate = shadow.fraction("sample-rate", 0.0);
        List<String> ignored = shadow.names("ignore-columns");
        shadow.rejectUnknownKeys();
        s.rejectUnknownKeys();

        // Every part is validated in this one pass. Where a part is already known to be broken, a valid
        // stand-in takes its place, so that the unit's own checks still run without repeating that problem.
        Stage stageOrStandIn = stage != null ? stage : grayStage != null ? grayStage : Stage.OLD_ONLY;
        Stage grayOrStandIn = grayStage != null ? grayStage : stageOrStandIn;
        UnitConfig.Gray gray = problems.attempt(graySection.path(""),
                () -> new UnitConfig.Gray(grayOrStandIn, ratio, whitelist, blacklist));
        UnitConfig.ShadowRead shadowRead = problems.attempt(shadow.path(""), () -> new UnitConfig.ShadowRead(sampleRate,
                ignored == null ? Set.of() : new java.util.LinkedHashSet<>(ignored)));
        UnitConfig unit = problems.attempt(s.path(""), () -> new UnitConfig(name,
                routingColumn != null ? routingColumn : "stand_in",
                tables != null ? tables : Map.of("stand_in", TableConfig.of("stand_in")),
                stageOrStandIn, gray != null ? gray : UnitConfig.Gray.none(stageOrStandIn),
                shadowRead != null ? shadowRead : UnitConfig.ShadowRead.OFF));
        boolean complete = routingColumn != null && stage != null && grayStage != null && tables != null
                && gray != null && shadowRead != null;
        return complete ? unit : null;
    }

    /** {@code tables: [a, b]}, {@code tables: a,b} or {@code tables: {a: {primary-key: [id]}, b: {}}}. */
    private static Map<String, TableConfig> tables(Section unit, Problems problems) {
        Object raw = unit.value("tables");
        Map<String, TableConfig> tables = new LinkedHashMap<>();
        if (raw == null) {
            problems.add(unit.path("tables"), "is missing; list the unit's tables, e.g. tables: [points_account, points_detail]");
            return null;
        }
        boolean[] failed = {false};
        if (raw instanceof Map) {
            unit.namedSections("tables").forEach((name, t) -> {
                List<String> pk = t.names("primary-key");
                String version = t.text("version-column", null);
                Map<String, String> columnMap = new LinkedHashMap<>();
                Section map = t.section("column-map");
                map.namesAndTexts().forEach(columnMap::put);
                TableConfig.IdSource ids = t.choice("id-source", TableConfig.IdSource.class, TableConfig.IdSource.OLD);
                t.rejectUnknownKeys();
                TableConfig table = problems.attempt(t.path(""), () -> new TableConfig(name, pk, version, columnMap, ids));
                failed[0] |= table == null;
                if (table != null) {
                    tables.put(name, table);
                }
            });
        } else {
            List<String> names = unit.names("tables");
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                TableConfig table = problems.attempt(unit.path("tables") + "[" + i + "]", () -> TableConfig.of(name));
                failed[0] |= table == null;
                if (table != null) {
                    tables.put(name, table);
                }
            }
        }
        return failed[0] ? null : tables;
    }

    private static MigrationConfig.Secondary secondary(Section s, Problems problems) {
        MigrationConfig.Secondary d = MigrationConfig.Secondary.DEFAULTS;
        MigrationConfig.WriteMode mode = s.choice("mode", MigrationConfig.WriteMode.class, d.mode());
        Duration timeout = s.duration("timeout", d.timeout());
        Section cb = s.section("circuit-breaker");
        MigrationConfig.CircuitBreaker c = MigrationConfig.CircuitBreaker.DEFAULTS;
        int failureRate = cb.whole("failure-rate-threshold", c.failureRateThreshold(), "percent");
        int slowRate = cb.whole("slow-call-rate-threshold", c.slowCallRateThreshold(), "percent");
        Duration slow = cb.duration("slow-call-duration", c.slowCallDuration());
        int window = cb.whole("sliding-window-size", c.slidingWindowSize(), "calls");
        int minimum = cb.whole("minimum-number-of-calls", c.minimumNumberOfCalls(), "calls");
        Duration open = cb.duration("wait-in-open-state", c.waitInOpenState());
        int halfOpen = cb.whole("permitted-calls-in-half-open-state", c.permittedCallsInHalfOpenState(), "calls");
        cb.rejectUnknownKeys();
        s.rejectUnknownKeys();
        MigrationConfig.CircuitBreaker breaker = problems.attempt(cb.path(""),
                () -> new MigrationConfig.CircuitBreaker(failureRate, slowRate, slow, window, minimum, open, halfOpen));
        // a broken breaker is replaced by a stand-in so that the timeout is still checked in this pass
        MigrationConfig.Secondary secondary = problems.attempt(s.path(""),
                () -> new MigrationConfig.Secondary(mode, timeout, breaker != null ? breaker : c));
        return breaker == null ? null : secondary;
    }

    private static MigrationConfig.DataSources datasources(Section s, Problems problems) {
        Section old = s.section("old");
        String url = old.text("url", null);
        String username = old.text("username", "");
        String password = old.has("password") ? String.valueOf(old.value("password")) : "";
        int poolSize = old.whole("pool-size", 8, "connections");
        old.rejectUnknownKeys();
        Section neu = s.section("new");
        String yaml = neu.text("sharding-yaml", null);
        neu.rejectUnknownKeys();
        s.rejectUnknownKeys();
        MigrationConfig.DataSources.DatabaseConfig oldDb = problems.attempt(old.path(""),
                () -> new MigrationConfig.DataSources.DatabaseConfig(url, username, password, poolSize));
        return oldDb == null ? null : problems.attempt(s.path(""), () -> new MigrationConfig.DataSources(oldDb, yaml));
    }

    static String describeType(Object value) {
        return value instanceof List ? "list" : value.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }
}
