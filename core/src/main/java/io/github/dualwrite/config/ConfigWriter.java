package io.github.dualwrite.config;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/** Writes a {@link MigrationConfig} back as flat properties or YAML; both read back to an equal document. */
final class ConfigWriter {

    private ConfigWriter() {
    }

    static Map<String, String> toProperties(MigrationConfig config) {
        Map<String, String> out = new TreeMap<>();
        flatten("", tree(config), out);
        return java.util.Collections.unmodifiableMap(out);
    }

    static String toYaml(MigrationConfig config) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setPrettyFlow(true);
        return new Yaml(options).dump(tree(config));
    }

    /** The document as nested maps, in the order a person would write it. */
    static Map<String, Object> tree(MigrationConfig config) {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> units = new LinkedHashMap<>();
        for (UnitConfig unit : config.units().values()) {
            Map<String, Object> u = new LinkedHashMap<>();
            u.put("routing-column", unit.routingColumn());
            Map<String, Object> tables = new LinkedHashMap<>();
            for (TableConfig table : unit.tables().values()) {
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("primary-key", new ArrayList<>(table.primaryKey()));
                if (table.hasVersionColumn()) {
                    t.put("version-column", table.versionColumn());
                }
                if (!table.columnMap().isEmpty()) {
                    t.put("column-map", new LinkedHashMap<>(table.columnMap()));
                }
                if (table.idSource() != TableConfig.IdSource.OLD) {
                    t.put("id-source", table.idSource().name());
                }
                tables.put(table.name(), t);
            }
            u.put("tables", tables);
            u.put("stage", unit.stage().name());
            UnitConfig.Gray gray = unit.gray();
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("stage", gray.stage().name());
            g.put("ratio", gray.ratio());
            putKeys(g, "whitelist", gray.whitelist());
            putKeys(g, "blacklist", gray.blacklist());
            u.put("gray", g);
            if (unit.shadowRead().enabled()) {
                Map<String, Object> shadow = new LinkedHashMap<>();
                shadow.put("sample-rate", unit.shadowRead().sampleRate());
                if (!unit.shadowRead().ignoredColumns().isEmpty()) {
                    shadow.put("ignore-columns", List.copyOf(unit.shadowRead().ignoredColumns()));
                }
                u.put("shadow-read", shadow);
            }
            units.put(unit.name(), u);
        }
        root.put("units", units);
        MigrationConfig.Secondary s = config.secondary();
        Map<String, Object> secondary = new LinkedHashMap<>();
        secondary.put("mode", s.mode().name());
        secondary.put("timeout", Durations.format(s.timeout()));
        MigrationConfig.CircuitBreaker c = s.circuitBreaker();
        Map<String, Object> cb = new LinkedHashMap<>();
        cb.put("failure-rate-threshold", c.failureRateThreshold());
        cb.put("slow-call-rate-threshold", c.slowCallRateThreshold());
        cb.put("slow-call-duration", Durations.format(c.slowCallDuration()));
        cb.put("sliding-window-size", c.slidingWindowSize());
        cb.put("minimum-number-of-calls", c.minimumNumberOfCalls());
        cb.put("wait-in-open-state", Durations.format(c.waitInOpenState()));
        cb.put("permitted-calls-in-half-open-state", c.permittedCallsInHalfOpenState());
        secondary.put("circuit-breaker", cb);
        root.put("secondary", secondary);
        root.put("unkeyed-policy", config.unkeyedPolicy().name());
        if (config.datasources() != null) {
            MigrationConfig.DataSources.DatabaseConfig old = config.datasources().old();
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("url", old.url());
            o.put("username", old.username());
            o.put("password", old.password());
            o.put("pool-size", old.poolSize());
            Map<String, Object> ds = new LinkedHashMap<>();
            ds.put("old", o);
            ds.put("new", new LinkedHashMap<>(Map.of("sharding-yaml", config.datasources().shardingYaml())));
            root.put("datasources", ds);
        }
        if (config.force()) {
            root.put("force", true);
        }
        return root;
    }

    private static void putKeys(Map<String, Object> map, String name, java.util.Set<RoutingKey> keys) {
        if (!keys.isEmpty()) {
            List<Object> values = new ArrayList<>();
            keys.forEach(k -> values.add(k.toDocumentValue()));
            map.put(name, values);
        }
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Object node, Map<String, String> out) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> flatten(Problems.join(prefix, String.valueOf(k)), v, out));
        } else if (node instanceof List<?> list) {
            boolean plain = list.stream().noneMatch(v -> String.valueOf(v).contains(","));
            if (plain) {
                List<String> parts = new ArrayList<>();
                list.forEach(v -> parts.add(scalar(v)));
                out.put(prefix, String.join(",", parts));
            } else {
                for (int i = 0; i < list.size(); i++) {
                    out.put(prefix + "[" + i + "]", scalar(list.get(i)));
                }
            }
        } else {
            out.put(prefix, scalar(node));
        }
    }

    private static String scalar(Object v) {
        if (v instanceof Double d) {
            return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        return String.valueOf(v);
    }
}
