package io.github.dualwrite.sync;

import java.util.LinkedHashMap;
import java.util.Map;

/** The physical data sources of a ShardingSphere YAML, as plain connection settings (for the CLI). */
public final class ShardSources {

    private ShardSources() {
    }

    /** Name to {@code url}, {@code username}, {@code password} ({@code jdbcUrl} or {@code url} in the YAML). */
    public static Map<String, Map<String, String>> fromYaml(String yaml) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        ShardingRules.parse(yaml).dataSources().forEach((name, props) -> {
            Map<String, String> p = new LinkedHashMap<>();
            Object url = props.getOrDefault("jdbcUrl", props.get("url"));
            p.put("url", url == null ? null : String.valueOf(url));
            p.put("username", props.get("username") == null ? "" : String.valueOf(props.get("username")));
            p.put("password", props.get("password") == null ? "" : String.valueOf(props.get("password")));
            out.put(name, p);
        });
        return out;
    }
}
