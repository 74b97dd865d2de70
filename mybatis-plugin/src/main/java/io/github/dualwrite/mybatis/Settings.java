package io.github.dualwrite.mybatis;

import io.github.dualwrite.StatementControl;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The interceptor's validated, immutable settings.
 *
 * @param keyPaths      property paths that may hold the routing key, split at dots, tried in order
 * @param newSideSuffix the suffix of a statement's new-side counterpart
 * @param controls      statement id (or {@code namespace.*}) to control
 */
record Settings(List<String[]> keyPaths, String newSideSuffix, Map<String, StatementControl> controls) {

    static final List<String> DEFAULT_KEY_PROPERTIES = List.of("userId", "user_id");
    static final String DEFAULT_SUFFIX = "__new";
    static final Settings DEFAULT = of(DEFAULT_KEY_PROPERTIES, DEFAULT_SUFFIX, Map.of());

    private static final Map<String, StatementControl> CONTROL_PROPERTIES = new java.util.TreeMap<>(Map.of(
            "old-only", StatementControl.OLD_ONLY,
            "skip-secondary", StatementControl.SKIP_SECONDARY,
            "authoritative-read", StatementControl.AUTHORITATIVE_READ));
    private static final Set<String> KNOWN = Set.of("key-properties", "new-side-suffix", "old-only", "skip-secondary",
            "authoritative-read");

    static Settings of(List<String> keyProperties, String suffix, Map<String, StatementControl> controls) {
        if (keyProperties.isEmpty()) {
            throw new IllegalArgumentException("DualWriteInterceptor key-properties: empty; name at least one property"
                    + " path such as userId or et.userId");
        }
        List<String[]> paths = new ArrayList<>();
        for (String p : keyProperties) {
            String path = p == null ? "" : p.trim();
            if (path.isEmpty() || path.startsWith(".") || path.endsWith(".") || path.contains("..")) {
                throw new IllegalArgumentException("DualWriteInterceptor key-properties: '" + p + "' is not a property"
                        + " path; use names joined by dots, such as userId or account.userId");
            }
            paths.add(path.split("\\."));
        }
        if (suffix == null || suffix.isBlank() || suffix.contains(" ")) {
            throw new IllegalArgumentException("DualWriteInterceptor new-side-suffix: '" + suffix + "' must be a"
                    + " non-blank statement-id suffix such as __new");
        }
        for (String id : controls.keySet()) {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("DualWriteInterceptor: a blank statement id was given a control");
            }
        }
        return new Settings(List.copyOf(paths), suffix, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(controls)));
    }

    /**
     * Reads the properties of {@code <plugin interceptor="...DualWriteInterceptor">} in mybatis-config.xml.
     *
     * @throws IllegalArgumentException for an unknown property or a bad value
     */
    static Settings fromProperties(Properties props) {
        for (String name : props.stringPropertyNames()) {
            if (!KNOWN.contains(name)) {
                throw new IllegalArgumentException("DualWriteInterceptor property '" + name + "' is unknown; allowed: "
                        + new java.util.TreeSet<>(KNOWN));
            }
        }
        List<String> keys = props.containsKey("key-properties") ? split(props.getProperty("key-properties"))
                : DEFAULT_KEY_PROPERTIES;
        Map<String, StatementControl> controls = new LinkedHashMap<>();
        for (Map.Entry<String, StatementControl> e : CONTROL_PROPERTIES.entrySet()) {
            for (String id : split(props.getProperty(e.getKey(), ""))) {
                StatementControl before = controls.put(id, e.getValue());
                if (before != null) {
                    throw new IllegalArgumentException("DualWriteInterceptor: statement " + id + " is listed as both "
                            + before + " and " + e.getValue() + "; keep one");
                }
            }
        }
        return of(keys, props.getProperty("new-side-suffix", DEFAULT_SUFFIX).trim(), controls);
    }

    private static List<String> split(String value) {
        List<String> out = new ArrayList<>();
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    /** The configured control of a statement: its id, else its namespace's {@code ns.*}, else DEFAULT. */
    StatementControl control(String statementId) {
        StatementControl exact = controls.get(statementId);
        if (exact != null) {
            return exact;
        }
        int dot = statementId.lastIndexOf('.');
        return dot < 0 ? StatementControl.DEFAULT
                : controls.getOrDefault(statementId.substring(0, dot) + ".*", StatementControl.DEFAULT);
    }
}
