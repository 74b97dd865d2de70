package io.github.dualwrite.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Turns YAML text or flat properties into one tree of maps, lists and scalars, so that a single binder
 * reads both formats. Syntax problems become {@link InvalidConfigException}s.
 */
final class ConfigDocuments {

    static final String PREFIX = "dualwrite";

    private ConfigDocuments() {
    }

    static Map<String, Object> read(String text, MigrationConfig.Format format) {
        if (text == null || text.isBlank()) {
            throw single("", "the document is empty; write `units: {}` to migrate nothing");
        }
        if (text.length() > ConfigLimits.MAX_DOCUMENT_CHARS) {
            throw single("", "the document has " + text.length() + " characters; at most "
                    + ConfigLimits.MAX_DOCUMENT_CHARS + " characters are accepted");
        }
        return format == MigrationConfig.Format.YAML ? fromYaml(text) : fromProperties(parseProperties(text));
    }

    static Map<String, Object> fromYaml(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(20);
        options.setAllowRecursiveKeys(false);
        options.setCodePointLimit(ConfigLimits.MAX_DOCUMENT_CHARS + 1);
        Object root;
        try {
            root = new Yaml(new SafeConstructor(options)).load(text);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
            String what = e.getProblem() != null ? e.getProblem() : e.getMessage();
            if (e.getContext() != null) {
                what = e.getContext() + ": " + what;
            }
            throw single("", "YAML syntax error" + where + ": " + what.replace('\n', ' '));
        } catch (YAMLException e) {
            throw single("", "YAML error: " + String.valueOf(e.getMessage()).replace('\n', ' '));
        }
        if (root == null) {
            throw single("", "the document is empty; write `units: {}` to migrate nothing");
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw single("", "the document is a " + ConfigBinder.describeType(root)
                    + ", not a map of settings; start with `units:`");
        }
        Map<String, Object> tree = stringKeys(map);
        if (tree.size() == 1 && tree.get(PREFIX) instanceof Map<?, ?> inner) {
            return stringKeys(inner);
        }
        return tree;
    }

    /** Properties to a tree: {@code a.b=1} becomes {a: {b: 1}}, {@code a.l[1]=x} becomes {a: {l: [_, x]}}. */
    static Map<String, Object> fromProperties(Map<String, String> properties) {
        Problems problems = new Problems();
        Map<String, Object> root = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(properties).entrySet()) {
            String key = e.getKey().trim();
            if (key.startsWith(PREFIX + ".")) {
                key = key.substring(PREFIX.length() + 1);
            }
            put(root, key, e.getValue() == null ? "" : e.getValue().trim(), problems);
        }
        problems.throwIfAny();
        return listify(root);
    }

    private static Map<String, String> parseProperties(String text) {
        java.util.Properties props = new java.util.Properties();
        try {
            props.load(new java.io.StringReader(text));
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw single("", "properties syntax error: " + e.getMessage());
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (String name : props.stringPropertyNames()) {
            map.put(name, props.getProperty(name));
        }
        return map;
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> root, String key, String value, Problems problems) {
        String[] parts = key.split("\\.", -1);
        Map<String, Object> node = root;
        String path = "";
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.isEmpty()) {
                problems.add(key, "has an empty segment; write keys like units.points.stage");
                return;
            }
            boolean last = i == parts.length - 1;
            int bracket = part.indexOf('[');
            if (last && bracket > 0 && part.endsWith("]")) {
                String name = part.substring(0, bracket);
                String index = part.substring(bracket + 1, part.length() - 1);
                Object existing = node.computeIfAbsent(name, n -> new Indexed());
                if (!(existing instanceof Indexed indexed)) {
                    problems.add(Problems.join(path, name), "is given both as a list and as a single value or section");
                    return;
                }
                try {
                    indexed.put(Integer.parseInt(index), value);
                } catch (NumberFormatException ex) {
                    problems.add(key, "'" + index + "' is not a list index; write " + name + "[0], " + name + "[1], ...");
                }
                return;
            }
            path = Problems.join(path, part);
            if (last) {
                if (node.containsKey(part)) {
                    problems.add(path, "is given both as a single value and as a section or list");
                    return;
                }
                node.put(part, value);
                return;
            }
            Object child = node.computeIfAbsent(part, n -> new LinkedHashMap<String, Object>());
            if (!(child instanceof Map)) {
                problems.add(path, "is given both as a single value or list and as a section");
                return;
            }
            node = (Map<String, Object>) child;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> listify(Map<String, Object> node) {
        Map<String, Object> out = new LinkedHashMap<>();
        node.forEach((k, v) -> {
            if (v instanceof Indexed indexed) {
                out.put(k, indexed.toList());
            } else if (v instanceof Map) {
                out.put(k, listify((Map<String, Object>) v));
            } else {
                out.put(k, v);
            }
        });
        return out;
    }

    private static Map<String, Object> stringKeys(Map<?, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), v instanceof Map<?, ?> m ? stringKeys(m) : v));
        return out;
    }

    static InvalidConfigException single(String path, String message) {
        return new InvalidConfigException(List.of(new ConfigProblem(path, message)));
    }

    /** {@code list[i]=value} entries, in index order (gaps are closed). */
    private static final class Indexed {
        private final TreeMap<Integer, String> items = new TreeMap<>();

        void put(int index, String value) {
            items.put(index, value);
        }

        List<Object> toList() {
            return new ArrayList<>(items.values());
        }
    }
}
