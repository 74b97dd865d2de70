package io.github.dualwrite.sync;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * What preflight needs from a ShardingSphere-JDBC YAML: per logical table its sharding columns and whether a
 * key generator is configured, and the physical data sources. Reads the YAML as plain data (rule tags such
 * as {@code !SHARDING} are kept under {@code __tag}); it does not build anything.
 */
final class ShardingRules {

    private static final String TAG = "__tag";

    private final Map<String, Object> root;

    private ShardingRules(Map<String, Object> root) {
        this.root = root;
    }

    static ShardingRules parse(String yaml) {
        LoaderOptions options = new LoaderOptions();
        Object doc = new Yaml(new TagKeeping(options)).load(yaml);
        if (!(doc instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("the ShardingSphere YAML is not a map of settings");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) map;
        return new ShardingRules(m);
    }

    /** The sharding rule's settings of a logical table, if the YAML shards it. */
    Optional<Map<String, Object>> table(String name) {
        for (Map<String, Object> rule : rules("!SHARDING")) {
            for (String section : List.of("tables", "autoTables")) {
                Map<String, Object> tables = map(rule.get(section));
                for (Map.Entry<String, Object> e : tables.entrySet()) {
                    if (e.getKey().equalsIgnoreCase(name)) {
                        Map<String, Object> t = new LinkedHashMap<>(map(e.getValue()));
                        t.put("__defaults", rule);
                        return Optional.of(t);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** The columns a table is sharded by (database and table strategies, or the rule's defaults), lower case. */
    List<String> shardingColumns(Map<String, Object> table) {
        Map<String, Object> defaults = map(table.get("__defaults"));
        List<String> out = new ArrayList<>();
        for (String strategy : List.of("databaseStrategy", "tableStrategy", "shardingStrategy")) {
            Object own = table.get(strategy);
            Object chosen = own != null ? own
                    : defaults.get("default" + Character.toUpperCase(strategy.charAt(0)) + strategy.substring(1));
            for (Object kind : map(chosen).values()) {
                Object column = map(kind).get("shardingColumn");
                Object columns = map(kind).get("shardingColumns");
                for (Object c : List.of(column == null ? "" : column, columns == null ? "" : columns)) {
                    for (String part : String.valueOf(c).split(",")) {
                        if (!part.isBlank()) {
                            out.add(part.trim().toLowerCase(Locale.ROOT));
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Whether the table (or the rule by default) has a key generator. */
    boolean hasKeyGenerator(Map<String, Object> table) {
        return table.get("keyGenerateStrategy") != null || map(table.get("__defaults")).get("defaultKeyGenerateStrategy") != null;
    }

    /** The physical data sources: name to {url, username, password}. */
    Map<String, Map<String, Object>> dataSources() {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        map(root.get("dataSources")).forEach((name, props) -> out.put(name, map(props)));
        return out;
    }

    private List<Map<String, Object>> rules(String tag) {
        List<Map<String, Object>> out = new ArrayList<>();
        Object rules = root.get("rules");
        if (rules instanceof List<?> list) {
            for (Object r : list) {
                Map<String, Object> rule = map(r);
                if (tag.equals(rule.get(TAG))) {
                    out.add(rule);
                }
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** Builds plain maps, lists and scalars for any tag, remembering a map's tag. */
    private static final class TagKeeping extends SafeConstructor {
        TagKeeping(LoaderOptions options) {
            super(options);
            this.yamlConstructors.put(null, new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    if (node instanceof MappingNode m) {
                        Map<Object, Object> map = new LinkedHashMap<>(constructMapping(m));
                        map.put(TAG, node.getTag().getValue());
                        return map;
                    }
                    if (node instanceof SequenceNode s) {
                        return constructSequence(s);
                    }
                    return constructScalar((ScalarNode) node);
                }
            });
        }
    }
}
