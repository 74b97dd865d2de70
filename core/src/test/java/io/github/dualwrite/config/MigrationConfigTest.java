package io.github.dualwrite.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MigrationConfigTest {

    static final String YAML = """
            units:
              points:
                routing-column: user_id
                tables:
                  points_account: { primary-key: [id], version-column: gmt_modified }
                  points_detail: { version-column: gmt_modified }
                stage: DUAL_WRITE
                gray:
                  stage: READ_NEW
                  ratio: 100
                  whitelist: [10001, "vip-7"]
                  blacklist: [42]
                shadow-read:
                  sample-rate: 0.01
            secondary:
              mode: ASYNC
              timeout: 1500ms
              circuit-breaker:
                failure-rate-threshold: 30
            unkeyed-policy: JOURNAL
            """;

    @Test
    void readsTheFullYamlDocument() {
        MigrationConfig c = MigrationConfig.fromYaml(YAML);
        UnitConfig points = c.unit("points").orElseThrow();
        assertThat(points.routingColumn()).isEqualTo("user_id");
        assertThat(points.tables()).containsOnlyKeys("points_account", "points_detail");
        assertThat(points.table("POINTS_DETAIL")).hasValueSatisfying(t -> {
            assertThat(t.primaryKey()).containsExactly("id");
            assertThat(t.versionColumn()).isEqualTo("gmt_modified");
        });
        assertThat(points.stage()).isEqualTo(Stage.DUAL_WRITE);
        assertThat(points.gray().stage()).isEqualTo(Stage.READ_NEW);
        assertThat(points.gray().ratio()).isEqualTo(100);
        assertThat(points.gray().whitelist()).containsExactly(RoutingKey.of(10001L), RoutingKey.of("vip-7"));
        assertThat(points.gray().blacklist()).containsExactly(RoutingKey.of(42L));
        assertThat(points.shadowRead().sampleRate()).isEqualTo(0.01);
        assertThat(c.secondary().mode()).isEqualTo(MigrationConfig.WriteMode.ASYNC);
        assertThat(c.secondary().timeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.secondary().circuitBreaker().failureRateThreshold()).isEqualTo(30);
        assertThat(c.secondary().circuitBreaker().minimumNumberOfCalls())
                .isEqualTo(MigrationConfig.CircuitBreaker.DEFAULTS.minimumNumberOfCalls());
        assertThat(c.unkeyedPolicy()).isEqualTo(MigrationConfig.UnkeyedPolicy.JOURNAL);
        assertThat(c.unitOfTable("points_detail")).contains(points);
        assertThat(c.unitOfTable("orders")).isEmpty();
    }

    @Test
    void flatPropertiesReadIntoTheSameModel() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("dualwrite.units.points.routing-column", "user_id");
        props.put("dualwrite.units.points.tables.points_account.primary-key", "id");
        props.put("dualwrite.units.points.tables.points_account.version-column", "gmt_modified");
        props.put("dualwrite.units.points.tables.points_detail.version-column", "gmt_modified");
        props.put("dualwrite.units.points.stage", "DUAL_WRITE");
        props.put("dualwrite.units.points.gray.stage", "READ_NEW");
        props.put("dualwrite.units.points.gray.ratio", "100");
        props.put("dualwrite.units.points.gray.whitelist[0]", "10001");
        props.put("dualwrite.units.points.gray.whitelist[1]", "vip-7");
        props.put("dualwrite.units.points.gray.blacklist", "42");
        props.put("dualwrite.units.points.shadow-read.sample-rate", "0.01");
        props.put("dualwrite.secondary.mode", "async");
        props.put("dualwrite.secondary.timeout", "1500ms");
        props.put("dualwrite.secondary.circuit-breaker.failure-rate-threshold", "30");
        props.put("dualwrite.unkeyed-policy", "journal");
        assertThat(MigrationConfig.fromProperties(props)).isEqualTo(MigrationConfig.fromYaml(YAML));
    }

    @Test
    void writesBackToYamlAndPropertiesThatReadBackEqual() {
        MigrationConfig c = MigrationConfig.fromYaml(YAML);
        assertThat(MigrationConfig.fromYaml(c.toYaml())).isEqualTo(c);
        assertThat(MigrationConfig.fromProperties(c.toProperties())).isEqualTo(c);
        assertThat(c.toProperties()).containsEntry("units.points.gray.ratio", "100")
                .containsEntry("units.points.gray.whitelist", "10001,vip-7");
    }

    @Test
    void aDocumentMayBeWrappedInADualwriteKeyAndTablesMayBeAList() {
        MigrationConfig c = MigrationConfig.fromYaml("""
                dualwrite:
                  units:
                    orders: { routing-column: buyer_id, tables: [orders, order_items], stage: OLD_ONLY }
                """);
        UnitConfig orders = c.unit("orders").orElseThrow();
        assertThat(orders.tables().values()).extracting(TableConfig::primaryKey)
                .containsOnly(TableConfig.DEFAULT_PRIMARY_KEY);
        assertThat(orders.hasGray()).isFalse();
        assertThat(MigrationConfig.fromProperties(Map.of("units.orders.routing-column", "buyer_id",
                "units.orders.tables", "orders, order_items", "units.orders.stage", "OLD_ONLY"))).isEqualTo(c);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "-1     | units.points.gray.ratio: -1 is out of range 0..10000",
        "10001  | units.points.gray.ratio: 10001 is out of range 0..10000",
        "'abc'  | units.points.gray.ratio: \"abc\" is not a whole number of basis points 0..10000",
        "1.5    | units.points.gray.ratio: 1.5 is not a whole number of basis points 0..10000",
    })
    void badRatiosAreRejectedWithPathValueAndAllowedRange(String ratio, String expected) {
        String yaml = YAML.replace("ratio: 100", "ratio: " + ratio);
        assertThatThrownBy(() -> MigrationConfig.fromYaml(yaml))
                .isInstanceOfSatisfying(InvalidConfigException.class, e ->
                        assertThat(e.problems()).singleElement().asString().startsWith(expected));
        Map<String, String> props = Map.of("units.points.routing-column", "user_id", "units.points.tables", "t",
                "units.points.stage", "OLD_ONLY", "units.points.gray.ratio", ratio.replace("'", ""));
        assertThatThrownBy(() -> MigrationConfig.fromProperties(props))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems()).singleElement()
                        .extracting(p -> p.toString().replace("\"", "")).asString()
                        .startsWith(expected.replace("\"", "")));
    }

    @Test
    void unknownKeysAreErrorsWithASuggestion() {
        String yaml = YAML.replace("ratio: 100", "ration: 100").replace("sample-rate", "sampleRate");
        assertThatThrownBy(() -> MigrationConfig.fromYaml(yaml))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                        .extracting(ConfigProblem::toString)
                        .anySatisfy(s -> assertThat(s).startsWith("units.points.gray.ration: is not a known setting; did you mean 'ratio'?"))
                        .anySatisfy(s -> assertThat(s).startsWith("units.points.shadow-read.sampleRate: is not a known setting; did you mean 'sample-rate'?")));
        assertThatThrownBy(() -> MigrationConfig.fromProperties(Map.of("dualwrite.unkeyed-polcy", "REJECT",
                "dualwrite.units.p.routing-column", "user_id", "dualwrite.units.p.tables", "t",
                "dualwrite.units.p.stage", "OLD_ONLY")))
                .hasMessageContaining("unkeyed-polcy: is not a known setting; did you mean 'unkeyed-policy'?");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        String yaml = """
                units:
                  points:
                    tables: [points_detail]
                    stage: DUALWRITE
                    gray: { ratio: 20000 }
                secondary: { timeout: 2000, mode: LATER }
                """;
        assertThatThrownBy(() -> MigrationConfig.fromYaml(yaml))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                        .extracting(ConfigProblem::toString).containsExactlyInAnyOrder(
                                "units.points.routing-column: is missing; name the column that holds the user id, e.g. user_id",
                                "units.points.stage: \"DUALWRITE\" is not one of [OLD_ONLY, DUAL_WRITE, READ_NEW, NEW_PRIMARY, NEW_ONLY]",
                                "units.points.gray.ratio: 20000 is out of range 0..10000 (basis points: 1 = 0.01%, 100 = 1%, 10000 = everybody)",
                                "secondary.mode: \"LATER\" is not one of [SYNC, ASYNC, CHANGE_LOG]",
                                "secondary.timeout: 2000 has no unit; write e.g. 2000ms or 2000s"));
    }

    @Test
    void grayStageMustBeTheBaseStageOrAdjacent() {
        String yaml = YAML.replace("stage: READ_NEW", "stage: NEW_PRIMARY");
        assertThatThrownBy(() -> MigrationConfig.fromYaml(yaml)).hasMessageContaining(
                "units.points.gray.stage: NEW_PRIMARY is not DUAL_WRITE or adjacent to it; allowed: [OLD_ONLY, DUAL_WRITE, READ_NEW]");
    }

    @Test
    void aTableBelongsToOneUnitOnly() {
        String yaml = """
                units:
                  a: { routing-column: user_id, tables: [t1, shared], stage: OLD_ONLY }
                  b: { routing-column: user_id, tables: [SHARED], stage: OLD_ONLY }
                """;
        assertThatThrownBy(() -> MigrationConfig.fromYaml(yaml))
                .hasMessageContaining("units.b.tables.SHARED: already belongs to unit 'a'");
    }

    @Test
    void syntaxErrorsNameTheLine() {
        assertThatThrownBy(() -> MigrationConfig.fromYaml("units:\n  points: {routing-column: user_id\n"))
                .hasMessageContaining("YAML syntax error at line");
        assertThatThrownBy(() -> MigrationConfig.fromYaml("units: {}\nunits: {}\n"))
                .hasMessageContaining("duplicate key units");
        assertThatThrownBy(() -> MigrationConfig.fromYaml("   ")).hasMessageContaining("the document is empty");
        assertThatThrownBy(() -> MigrationConfig.fromYaml("- a\n- b\n")).hasMessageContaining("not a map of settings");
    }

    @Test
    void badIdentifiersAndDurationsAreRejected() {
        assertThatThrownBy(() -> MigrationConfig.fromYaml("""
                units:
                  p: { routing-column: "user id", tables: ["db.t"], stage: OLD_ONLY }
                secondary: { timeout: 0s, circuit-breaker: { failure-rate-threshold: 0, slow-call-duration: soon } }
                """)).isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems())
                .extracting(ConfigProblem::path).containsExactlyInAnyOrder(
                        "units.p.routing-column", "units.p.tables[0]", "secondary.timeout",
                        "secondary.circuit-breaker.failure-rate-threshold",
                        "secondary.circuit-breaker.slow-call-duration"));
    }

    @Test
    void programmaticBuildersValidateToo() {
        assertThatThrownBy(() -> new UnitConfig.Gray(Stage.READ_NEW, 10001, null, null))
                .hasMessageContaining("ratio: 10001 is out of range 0..10000");
        assertThatThrownBy(() -> UnitConfig.builder("points").tables("t").stage(Stage.DUAL_WRITE)
                .gray(Stage.NEW_ONLY, 5).build())
                .hasMessageContaining("gray.stage: NEW_ONLY is not DUAL_WRITE or adjacent");
        MigrationConfig built = MigrationConfig.builder()
                .unit(UnitConfig.builder("points").routingColumn("user_id")
                        .table(TableConfig.of("points_account").withVersionColumn("gmt_modified"))
                        .table(TableConfig.of("points_detail").withVersionColumn("gmt_modified"))
                        .stage(Stage.DUAL_WRITE)
                        .gray(new UnitConfig.Gray(Stage.READ_NEW, 100, null, null).withWhitelist(List.of(10001, "vip-7"))
                                .withBlacklist(List.of("42")))
                        .shadowReadSampleRate(0.01).build())
                .secondary(new MigrationConfig.Secondary(MigrationConfig.WriteMode.ASYNC, Duration.ofMillis(1500),
                        new MigrationConfig.CircuitBreaker(30, 50, Duration.ofSeconds(1), 100, 20, Duration.ofSeconds(30), 10)))
                .unkeyedPolicy(MigrationConfig.UnkeyedPolicy.JOURNAL).build();
        assertThat(built).isEqualTo(MigrationConfig.fromYaml(YAML));
    }
}
