package io.github.dualwrite.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * 1,000 generated documents, half of them broken on purpose in known ways: every valid one must be accepted
 * and satisfy the model's invariants, every broken one rejected with at least one reason.
 */
class ConfigFuzzTest {

    private final Random random = new Random(20_261_121L);
    private int tableCounter;

    @Test
    void everyGeneratedDocumentIsAcceptedIffValidAndEveryRejectionHasAReason() {
        int accepted = 0;
        int rejected = 0;
        for (int i = 0; i < 1_000; i++) {
            Map<String, Object> doc = validDocument();
            List<String> mutations = new ArrayList<>();
            if (random.nextBoolean()) {
                int n = 1 + random.nextInt(3);
                for (int m = 0; m < n; m++) {
                    mutations.add(mutate(doc));
                }
            }
            boolean asYaml = random.nextBoolean();
            String context = "document " + i + " " + mutations + "\n" + yaml(doc);
            try {
                MigrationConfig c = asYaml ? MigrationConfig.fromYaml(yaml(doc))
                        : MigrationConfig.fromProperties(properties(doc));
                assertThat(mutations).as(context).isEmpty();
                checkInvariants(c);
                assertThat(MigrationConfig.fromYaml(c.toYaml())).as(context).isEqualTo(c);
                assertThat(MigrationConfig.fromProperties(c.toProperties())).as(context).isEqualTo(c);
                accepted++;
            } catch (InvalidConfigException e) {
                assertThat(mutations).as(context + "\nrejected: " + e.getMessage()).isNotEmpty();
                assertThat(e.problems()).as(context).isNotEmpty()
                        .allSatisfy(p -> assertThat(p.message()).isNotBlank());
                rejected++;
            }
        }
        assertThat(accepted).isGreaterThan(300);
        assertThat(rejected).isGreaterThan(300);
    }

    private static void checkInvariants(MigrationConfig c) {
        Map<String, String> owner = new LinkedHashMap<>();
        for (UnitConfig u : c.units().values()) {
            assertThat(u.gray().ratio()).isBetween(0, 10_000);
            assertThat(u.gray().stage() == u.stage() || u.gray().stage().isAdjacentTo(u.stage())).isTrue();
            assertThat(u.tables()).isNotEmpty();
            assertThat(u.shadowRead().sampleRate()).isBetween(0.0, 1.0);
            for (String table : u.tables().keySet()) {
                assertThat(owner.put(table, u.name())).isNull();
            }
        }
        assertThat(c.secondary().timeout()).isPositive();
        assertThat(c.secondary().circuitBreaker().failureRateThreshold()).isBetween(1, 100);
    }

    private Map<String, Object> validDocument() {
        Map<String, Object> doc = new LinkedHashMap<>();
        Map<String, Object> units = new LinkedHashMap<>();
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            Map<String, Object> unit = new LinkedHashMap<>();
            unit.put("routing-column", pick("user_id", "buyer_id", "uid"));
            Map<String, Object> tables = new LinkedHashMap<>();
            for (int t = 0, k = 1 + random.nextInt(3); t < k; t++) {
                Map<String, Object> table = new LinkedHashMap<>();
                boolean composite = random.nextBoolean();
                if (random.nextBoolean()) {
                    table.put("primary-key", composite ? List.of("user_id", "seq") : List.of("id"));
                } else {
                    composite = false;
                }
                // ids that do not come from the old side, so that every stage is valid (OLD ends at READ_NEW)
                table.put("id-source", composite ? "APPLICATION" : pick("APPLICATION", "SEQUENCE", "GENERATOR"));
                if (random.nextBoolean()) {
                    table.put("version-column", "gmt_modified");
                }
                tables.put("t" + (tableCounter++), table);
            }
            unit.put("tables", tables);
            Stage stage = Stage.values()[random.nextInt(5)];
            unit.put("stage", stage.name());
            if (random.nextBoolean()) {
                Map<String, Object> gray = new LinkedHashMap<>();
                List<Stage> allowed = UnitConfig.allowedGrayStages(stage);
                gray.put("stage", allowed.get(random.nextInt(allowed.size())).name());
                gray.put("ratio", random.nextInt(10_001));
                if (random.nextBoolean()) {
                    gray.put("whitelist", List.of(random.nextInt(1_000_000), "u" + random.nextInt(100)));
                }
                if (random.nextBoolean()) {
                    gray.put("blacklist", List.of(random.nextInt(1_000_000)));
                }
                unit.put("gray", gray);
            }
            if (random.nextBoolean()) {
                unit.put("shadow-read", new LinkedHashMap<>(Map.of("sample-rate", random.nextInt(101) / 100.0)));
            }
            units.put("unit" + i, unit);
        }
        doc.put("units", units);
        if (random.nextBoolean()) {
            Map<String, Object> secondary = new LinkedHashMap<>();
            secondary.put("mode", pick("SYNC", "ASYNC", "sync"));
            secondary.put("timeout", (1 + random.nextInt(5_000)) + "ms");
            Map<String, Object> cb = new LinkedHashMap<>();
            cb.put("failure-rate-threshold", 1 + random.nextInt(100));
            cb.put("wait-in-open-state", (1 + random.nextInt(60)) + "s");
            secondary.put("circuit-breaker", cb);
            doc.put("secondary", secondary);
        }
        if (random.nextBoolean()) {
            doc.put("unkeyed-policy", pick("EXECUTE_BOTH", "JOURNAL", "REJECT"));
        }
        return doc;
    }

    /** Breaks the document in one known way and says how. */
    @SuppressWarnings("unchecked")
    private String mutate(Map<String, Object> doc) {
        Map<String, Object> units = (Map<String, Object>) doc.get("units");
        List<String> names = new ArrayList<>(units.keySet());
        Map<String, Object> unit = (Map<String, Object>) units.get(names.get(random.nextInt(names.size())));
        Map<String, Object> gray = (Map<String, Object>) unit.computeIfAbsent("gray", k -> new LinkedHashMap<>());
        switch (random.nextInt(10)) {
            case 0:
                gray.put("ratio", pick(-1, 10_001, 99_999, "abc", 1.5));
                return "bad ratio";
            case 1:
                unit.put("stage", pick("DUALWRITE", "new", "3"));
                return "bad stage";
            case 2:
                unit.put(pick("stgae", "ratio", "routing_colum"), "x");
                return "unknown key";
            case 3:
                Object current = unit.get("stage");
                if (!(current instanceof String name) || !List.of("OLD_ONLY", "DUAL_WRITE", "READ_NEW",
                        "NEW_PRIMARY", "NEW_ONLY").contains(name)) {
                    unit.put("stage", "NEW_ONLY");
                    gray.put("stage", "OLD_ONLY");
                    return "gray stage not adjacent";
                }
                Stage stage = Stage.valueOf(name);
                for (Stage s : Stage.values()) {
                    if (s != stage && !s.isAdjacentTo(stage)) {
                        gray.put("stage", s.name());
                        return "gray stage not adjacent";
                    }
                }
                throw new IllegalStateException("every stage has a non-adjacent one");
            case 4:
                unit.put("shadow-read", new LinkedHashMap<>(Map.of("sample-rate", pick(1.5, -0.1, "often"))));
                return "bad sample rate";
            case 5:
                Map<String, Object> secondary = (Map<String, Object>) doc.computeIfAbsent("secondary", k -> new LinkedHashMap<>());
                secondary.put("timeout", pick("0s", "5", "soon", "11m"));
                return "bad timeout";
            case 6:
                unit.put("routing-column", pick("user id", "1user", "db.user_id"));
                return "bad routing column";
            case 7:
                Map<String, Object> tables = (Map<String, Object>) unit.computeIfAbsent("tables", k -> new LinkedHashMap<>());
                Map<String, Object> first = (Map<String, Object>) units.get(names.get(0));
                Object firstTables = first.get("tables");
                if (first != unit && firstTables instanceof Map<?, ?> m && !m.isEmpty()) {
                    tables.put(String.valueOf(m.keySet().iterator().next()), new LinkedHashMap<>());
                } else {
                    tables.put("TABLE_X", new LinkedHashMap<>());
                    tables.put("table_x", new LinkedHashMap<>());
                }
                return "table twice";
            case 8:
                Map<String, Object> sec = (Map<String, Object>) doc.computeIfAbsent("secondary", k -> new LinkedHashMap<>());
                Map<String, Object> cb = (Map<String, Object>) sec.computeIfAbsent("circuit-breaker", k -> new LinkedHashMap<>());
                cb.put("failure-rate-threshold", pick(0, 101, "half"));
                return "bad failure rate";
            default:
                unit.remove(pick("routing-column", "stage", "tables"));
                return "missing required key";
        }
    }

    @SafeVarargs
    private <T> T pick(T... options) {
        return options[random.nextInt(options.length)];
    }

    private static String yaml(Map<String, Object> doc) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(options).dump(doc);
    }

    private static Map<String, String> properties(Map<String, Object> doc) {
        Map<String, String> out = new LinkedHashMap<>();
        flatten("dualwrite", doc, out);
        return out;
    }

    private static void flatten(String prefix, Object node, Map<String, String> out) {
        if (node instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                out.put(prefix, ""); // an empty section (a table without settings) still names the key
            }
            map.forEach((k, v) -> flatten(prefix + "." + k, v, out));
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                out.put(prefix + "[" + i + "]", String.valueOf(list.get(i)));
            }
        } else {
            out.put(prefix, String.valueOf(node));
        }
    }
}
