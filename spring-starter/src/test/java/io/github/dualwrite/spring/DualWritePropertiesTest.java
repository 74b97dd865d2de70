package io.github.dualwrite.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.dualwrite.config.InvalidConfigException;
import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.config.Stage;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ByteArrayResource;

/** The {@code dualwrite.*} properties bind to the same document the core reads from YAML. */
class DualWritePropertiesTest {

    /** A document using every setting, in the core's YAML. */
    static final String DOCUMENT = """
            units:
              points:
                routing-column: user_id
                tables:
                  points_account: { primary-key: [id], version-column: gmt_modified, id-source: SEQUENCE }
                  points_detail:  { primary-key: [id], version-column: gmt_modified, id-source: APPLICATION }
                  points_memo:
                    primary-key: [id]
                    column-map: { memo: remark }
                stage: DUAL_WRITE
                gray:
                  stage: READ_NEW
                  ratio: 100
                  whitelist: [10001, 10002]
                  blacklist: [42]
                shadow-read:
                  sample-rate: 0.01
                  ignore-columns: [gmt_modified]
              coupons:
                routing-column: owner_id
                tables: [coupon, coupon_log]
                stage: OLD_ONLY
            secondary:
              mode: CHANGE_LOG
              timeout: 1500ms
              circuit-breaker:
                failure-rate-threshold: 40
                slow-call-rate-threshold: 60
                slow-call-duration: 2s
                sliding-window-size: 50
                minimum-number-of-calls: 10
                wait-in-open-state: 1m
                permitted-calls-in-half-open-state: 5
            unkeyed-policy: JOURNAL
            """;

    @Test
    void applicationYamlBindsToTheDocumentTheCoreReads() throws IOException {
        String applicationYaml = "dualwrite:\n  enabled: true\n  repair:\n    enabled: false\n"
                + DOCUMENT.indent(2);
        StandardEnvironment env = environment(yamlSource(applicationYaml));

        MigrationConfig fromSpring = MigrationConfig.fromYaml(EnvironmentDocument.yaml(env));

        MigrationConfig fromCore = MigrationConfig.fromYaml(DOCUMENT);
        assertThat(fromSpring).isEqualTo(fromCore);
        assertThat(fromSpring.unit("points").orElseThrow().gray().ratio()).isEqualTo(100);
        assertThat(fromSpring.secondary().circuitBreaker().waitInOpenState()).hasMinutes(1);
        // and back: the core's own flat form of the document, under dualwrite., binds to the same document
        Map<String, Object> flat = new LinkedHashMap<>();
        fromCore.toProperties().forEach((k, v) -> flat.put("dualwrite." + k, v));
        assertThat(MigrationConfig.fromYaml(EnvironmentDocument.yaml(environment(new MapPropertySource("flat", flat)))))
                .isEqualTo(fromCore);
    }

    @Test
    void flatPropertiesWithRelaxedNamesAndIndexedLists() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("dualwrite.units.points.routingColumn", "user_id");
        p.put("dualwrite.units.points.tables.points_account.primary-key", "id");
        p.put("dualwrite.units.points.stage", "${POINTS_STAGE:dual_write}");
        p.put("dualwrite.units.points.gray.stage", "READ_NEW");
        p.put("dualwrite.units.points.gray.ratio", "500");
        p.put("dualwrite.units.points.gray.whitelist[0]", "7");
        p.put("dualwrite.units.points.gray.whitelist[1]", "8");
        p.put("dualwrite.secondary.timeout", "3s");
        p.put("dualwrite.units.coupons.routing-column", "owner_id");
        p.put("dualwrite.units.coupons.tables", "coupon, coupon_log");
        p.put("dualwrite.units.coupons.stage", "OLD_ONLY");

        MigrationConfig config = MigrationConfig.fromYaml(EnvironmentDocument.yaml(environment(new MapPropertySource("p", p))));

        assertThat(config.unit("points").orElseThrow().stage()).isEqualTo(Stage.DUAL_WRITE);
        assertThat(config.unit("points").orElseThrow().gray().ratio()).isEqualTo(500);
        assertThat(config.unit("points").orElseThrow().gray().whitelist()).hasSize(2);
        assertThat(config.secondary().timeout()).hasSeconds(3);
        assertThat(config.unit("coupons").orElseThrow().tables()).containsOnlyKeys("coupon", "coupon_log");
    }

    @Test
    void noUnitsIsTheEmptyDocument() {
        StandardEnvironment env = environment(new MapPropertySource("p", Map.of("dualwrite.enabled", "true")));
        assertThat(MigrationConfig.fromYaml(EnvironmentDocument.yaml(env))).isEqualTo(MigrationConfig.EMPTY);
    }

    @Test
    void aTypoInADocumentKeyIsAnErrorNamingTheKey() {
        Map<String, Object> p = new LinkedHashMap<>(minimal());
        p.put("dualwrite.units.points.gray.ration", "100");
        p.put("dualwrite.repair.not-a-document-key", "x"); // the starter's own switches are Spring's business
        assertThatThrownBy(() -> EnvironmentDocument.yaml(environment(new MapPropertySource("p", p))))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("dualwrite.units.points.gray.ration")
                .hasMessageContaining("is not a known setting")
                .hasMessageNotContaining("not-a-document-key");
    }

    @Test
    void aValueOfTheWrongTypeIsAnErrorNamingTheKeyAndValue() {
        Map<String, Object> p = new LinkedHashMap<>(minimal());
        p.put("dualwrite.units.points.gray.ratio", "lots");
        assertThatThrownBy(() -> EnvironmentDocument.yaml(environment(new MapPropertySource("p", p))))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("dualwrite.units.points.gray.ratio")
                .hasMessageContaining("'lots'");
    }

    @Test
    void anOutOfRangeValueIsRejectedByTheCoreWithItsPath() {
        Map<String, Object> p = new LinkedHashMap<>(minimal());
        p.put("dualwrite.units.points.gray.ratio", "10001");
        String yaml = EnvironmentDocument.yaml(environment(new MapPropertySource("p", p)));
        assertThatThrownBy(() -> MigrationConfig.fromYaml(yaml))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("units.points.gray.ratio: 10001 is out of range 0..10000");
    }

    @Test
    void documentKeysAreToldFromTheStartersOwn() {
        assertThat(EnvironmentDocument.isDocumentKey("dualwrite.units.points.stage")).isTrue();
        assertThat(EnvironmentDocument.isDocumentKey("dualwrite.units.points.tables.points_account.primary-key")).isTrue();
        assertThat(EnvironmentDocument.isDocumentKey("dualwrite.secondary.timeout")).isTrue();
        assertThat(EnvironmentDocument.isDocumentKey("dualwrite.unkeyed-policy")).isTrue();
        assertThat(EnvironmentDocument.isDocumentKey("dualwrite.force")).isTrue();
        assertThat(EnvironmentDocument.isDocumentKey("dualwrite.repair.enabled")).isFalse();
        assertThat(EnvironmentDocument.isDocumentKey("dualwrite.old.jdbc-url")).isFalse();
        assertThat(EnvironmentDocument.isDocumentKey("spring.datasource.url")).isFalse();
    }

    static Map<String, Object> minimal() {
        return Map.of("dualwrite.units.points.routing-column", "user_id",
                "dualwrite.units.points.tables.points_account.primary-key", "id",
                "dualwrite.units.points.stage", "OLD_ONLY");
    }

    static StandardEnvironment environment(PropertySource<?> source) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(source);
        return env;
    }

    static PropertySource<?> yamlSource(String yaml) throws IOException {
        List<PropertySource<?>> sources = new YamlPropertySourceLoader().load("application.yml",
                new ByteArrayResource(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return sources.get(0);
    }
}
