package io.github.dualwrite.spring;

import io.github.dualwrite.config.ConfigProblem;
import io.github.dualwrite.config.InvalidConfigException;
import io.github.dualwrite.config.MigrationConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PlaceholdersResolver;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.core.env.Environment;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The migration document as the Environment holds it now: {@code dualwrite.*} bound afresh (never the
 * possibly half-rebound properties bean) and written as the core's YAML, so that the core parses and
 * validates it exactly as it would a file. Unknown document keys are problems, not ignored.
 */
final class EnvironmentDocument {

    private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of(DualWriteProperties.PREFIX);
    private static final Set<String> DOCUMENT_KEYS = Set.of("units", "secondary", "unkeyed-policy", "force");

    private EnvironmentDocument() {
    }

    /** Binds {@code dualwrite.*} from {@code environment} and returns the document as YAML text. */
    static String yaml(Environment environment) {
        return yaml(bind(ConfigurationPropertySources.get(environment), new PropertySourcesPlaceholdersResolver(environment)));
    }

    /**
     * Binds a fresh properties object ({@code ${...}} resolved by {@code placeholders}); binding errors and unknown
     * document keys become problems.
     */
    static DualWriteProperties bind(Iterable<ConfigurationPropertySource> sources, PlaceholdersResolver placeholders) {
        Set<ConfigurationPropertyName> bound = new HashSet<>();
        BindHandler tracking = new AbstractBindHandler() {
            @Override
            public Object onSuccess(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
                                    Object result) {
                bound.add(name);
                return super.onSuccess(name, target, context, result);
            }
        };
        // plain table lists (tables: [a, b], tables=a,b) are read here; Spring would bind them to no map
        Map<String, List<String>> tableLists = new LinkedHashMap<>();
        List<ConfigurationPropertySource> withoutLists = new ArrayList<>();
        for (ConfigurationPropertySource source : sources) {
            if (source instanceof IterableConfigurationPropertySource iterable) {
                iterable.stream().filter(EnvironmentDocument::isTableList).forEach(name -> {
                    String unit = name.getElement(2, ConfigurationPropertyName.Form.ORIGINAL);
                    Object value = iterable.getConfigurationProperty(name).getValue();
                    List<String> tables = tableLists.computeIfAbsent(unit, u -> new ArrayList<>());
                    for (String table : String.valueOf(value).split(",")) {
                        if (!table.isBlank() && !tables.contains(table.trim())) {
                            tables.add(table.trim());
                        }
                    }
                    bound.add(name);
                });
            }
            withoutLists.add(source.filter(name -> !isTableList(name)));
        }
        DualWriteProperties properties;
        try {
            properties = new Binder(withoutLists, placeholders).bind(DualWriteProperties.PREFIX, Bindable.of(DualWriteProperties.class),
                    tracking).orElseGet(DualWriteProperties::new);
        } catch (BindException e) {
            throw new InvalidConfigException(problems(e));
        }
        tableLists.forEach((unit, tables) -> {
            UnitProperties u = properties.getUnits().computeIfAbsent(unit, n -> new UnitProperties());
            tables.forEach(t -> u.getTables().putIfAbsent(t, new UnitProperties.Table()));
        });
        List<ConfigProblem> unknown = new ArrayList<>();
        Set<ConfigurationPropertyName> seen = new HashSet<>();
        for (ConfigurationPropertySource source : sources) {
            if (source instanceof IterableConfigurationPropertySource iterable) {
                iterable.stream().filter(EnvironmentDocument::isDocumentKey)
                        .filter(name -> !isBound(name, bound) && seen.add(name))
                        .forEach(name -> unknown.add(new ConfigProblem(name.toString(),
                                "is not a known setting; see the keys of the migration document in the README")));
            }
        }
        if (!unknown.isEmpty()) {
            throw new InvalidConfigException(unknown);
        }
        return properties;
    }

    /** {@code dualwrite.units.<unit>.tables} given as a value or as list items, not as a map of tables. */
    private static boolean isTableList(ConfigurationPropertyName name) {
        int n = name.getNumberOfElements();
        return (n == 4 || n == 5 && name.isLastElementIndexed()) && ROOT.isAncestorOf(name)
                && "units".equals(name.getElement(1, ConfigurationPropertyName.Form.DASHED))
                && "tables".equals(name.getElement(3, ConfigurationPropertyName.Form.DASHED));
    }

    /** A name was bound itself, or as part of a list or map value bound whole ({@code whitelist[0]}). */
    private static boolean isBound(ConfigurationPropertyName name, Set<ConfigurationPropertyName> bound) {
        for (ConfigurationPropertyName n = name; n != null && !n.isEmpty(); n = n.getParent()) {
            if (bound.contains(n) && (n.equals(name) || n.isLastElementIndexed() || name.isLastElementIndexed())) {
                return true;
            }
        }
        return false;
    }

    /** Whether a changed Environment key belongs to the document (not to the starter's own switches). */
    static boolean isDocumentKey(String key) {
        if (!ConfigurationPropertyName.isValid(key)) {
            ConfigurationPropertyName adapted = ConfigurationPropertyName.adapt(key, '.');
            return isDocumentKey(adapted);
        }
        return isDocumentKey(ConfigurationPropertyName.of(key));
    }

    private static boolean isDocumentKey(ConfigurationPropertyName name) {
        if (!ROOT.isAncestorOf(name)) {
            return false;
        }
        String first = name.getElement(1, ConfigurationPropertyName.Form.DASHED);
        return DOCUMENT_KEYS.contains(first);
    }

    private static List<ConfigProblem> problems(BindException e) {
        String path = e.getProperty() != null ? e.getProperty().getName().toString() : e.getName().toString();
        String value = e.getProperty() != null ? "'" + e.getProperty().getValue() + "'" : "the value";
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return List.of(new ConfigProblem(path, value + " cannot be read: " + root.getMessage()));
    }

    /** The document part of {@code p} as the core's YAML (the starter's own switches left out). */
    static String yaml(DualWriteProperties p) {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> units = new LinkedHashMap<>();
        p.getUnits().forEach((name, u) -> units.put(name, unit(u)));
        root.put("units", units);
        Map<String, Object> secondary = secondary(p.getSecondary());
        if (!secondary.isEmpty()) {
            root.put("secondary", secondary);
        }
        putIf(root, "unkeyed-policy", p.getUnkeyedPolicy());
        if (p.isForce()) {
            root.put("force", true);
        }
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(options).dump(root);
    }

    /** Reads {@link #yaml(DualWriteProperties)} back with the core. */
    static MigrationConfig config(DualWriteProperties p) {
        return MigrationConfig.fromYaml(yaml(p));
    }

    private static Map<String, Object> unit(UnitProperties u) {
        Map<String, Object> out = new LinkedHashMap<>();
        putIf(out, "routing-column", u.getRoutingColumn());
        Map<String, Object> tables = new LinkedHashMap<>();
        u.getTables().forEach((name, t) -> {
            Map<String, Object> table = new LinkedHashMap<>();
            table.put("primary-key", new ArrayList<>(t.getPrimaryKey()));
            putIf(table, "version-column", t.getVersionColumn());
            putIf(table, "id-source", t.getIdSource());
            if (!t.getColumnMap().isEmpty()) {
                table.put("column-map", new LinkedHashMap<>(t.getColumnMap()));
            }
            tables.put(name, table);
        });
        if (!tables.isEmpty()) {
            out.put("tables", tables);
        }
        putIf(out, "stage", u.getStage());
        Map<String, Object> gray = new LinkedHashMap<>();
        putIf(gray, "stage", u.getGray().getStage());
        putIf(gray, "ratio", u.getGray().getRatio());
        if (!u.getGray().getWhitelist().isEmpty()) {
            gray.put("whitelist", new ArrayList<>(u.getGray().getWhitelist()));
        }
        if (!u.getGray().getBlacklist().isEmpty()) {
            gray.put("blacklist", new ArrayList<>(u.getGray().getBlacklist()));
        }
        if (!gray.isEmpty()) {
            out.put("gray", gray);
        }
        Map<String, Object> shadow = new LinkedHashMap<>();
        putIf(shadow, "sample-rate", u.getShadowRead().getSampleRate());
        if (!u.getShadowRead().getIgnoreColumns().isEmpty()) {
            shadow.put("ignore-columns", new ArrayList<>(u.getShadowRead().getIgnoreColumns()));
        }
        if (!shadow.isEmpty()) {
            out.put("shadow-read", shadow);
        }
        return out;
    }

    private static Map<String, Object> secondary(SecondaryProperties s) {
        Map<String, Object> out = new LinkedHashMap<>();
        putIf(out, "mode", s.getMode());
        putIf(out, "timeout", s.getTimeout());
        SecondaryProperties.CircuitBreaker c = s.getCircuitBreaker();
        Map<String, Object> cb = new LinkedHashMap<>();
        putIf(cb, "failure-rate-threshold", c.getFailureRateThreshold());
        putIf(cb, "slow-call-rate-threshold", c.getSlowCallRateThreshold());
        putIf(cb, "slow-call-duration", c.getSlowCallDuration());
        putIf(cb, "sliding-window-size", c.getSlidingWindowSize());
        putIf(cb, "minimum-number-of-calls", c.getMinimumNumberOfCalls());
        putIf(cb, "wait-in-open-state", c.getWaitInOpenState());
        putIf(cb, "permitted-calls-in-half-open-state", c.getPermittedCallsInHalfOpenState());
        if (!cb.isEmpty()) {
            out.put("circuit-breaker", cb);
        }
        return out;
    }

    /** Enums by name, durations in milliseconds (the core's {@code 1500ms}), numbers as numbers. */
    private static void putIf(Map<String, Object> map, String key, Object value) {
        if (value instanceof Enum<?> e) {
            map.put(key, e.name());
        } else if (value instanceof Duration d) {
            map.put(key, d.toMillis() + "ms");
        } else if (value != null) {
            map.put(key, value);
        }
    }
}
