package io.github.dualwrite.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.testing.DbPair;
import io.github.dualwrite.testing.FaultyDataSource.Fault;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.jdbc.DataSourcePoolMetricsAutoConfiguration;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

/** The endpoint, the health indicator and the meters, with values asserted. */
class DualWriteActuatorTest {

    private static final String SECRET = "s3cret-Pa55word";

    @TempDir
    Path dir;

    private ApplicationContextRunner runner;

    @BeforeEach
    void setUp() {
        TestSides.open(DbPair.h2("actuator"));
        runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DualWriteAutoConfiguration.class,
                        DualWriteActuatorAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
                        EndpointAutoConfiguration.class, HealthContributorAutoConfiguration.class,
                        MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
                        CompositeMeterRegistryAutoConfiguration.class))
                .withUserConfiguration(TestSides.class)
                .withPropertyValues("dualwrite.enabled=true", "dualwrite.repair.enabled=false",
                        "dualwrite.journal.file=" + dir.resolve("journal.jsonl"),
                        "dualwrite.units.points.routing-column=user_id",
                        "dualwrite.units.points.tables.points_account.id-source=APPLICATION",
                        "dualwrite.units.points.tables.points_detail.id-source=APPLICATION",
                        "dualwrite.units.points.stage=DUAL_WRITE",
                        "dualwrite.units.points.gray.stage=READ_NEW",
                        "dualwrite.units.points.gray.ratio=100",
                        "dualwrite.units.points.gray.whitelist=10001,10002",
                        "dualwrite.units.points.gray.blacklist=42",
                        // a document may carry the tools' credentials: they must never be shown
                        "dualwrite.old.password=" + SECRET,
                        "management.endpoints.web.exposure.include=dualwrite,health");
    }

    @AfterEach
    void tearDown() {
        TestSides.close();
    }

    @Test
    void statusShowsUnitsConfigJournalAndBreakersButNoCredentials() {
        runner.run(ctx -> {
            assertThat(ctx).hasNotFailed();
            DualWriteEndpoint endpoint = ctx.getBean(DualWriteEndpoint.class);
            ctx.getBean(JdbcTemplate.class).update("INSERT INTO points_account (id, user_id, balance) VALUES (1, 5000, 1)");
            TestSides.newFaults.set(Fault.EXECUTE);
            ctx.getBean(JdbcTemplate.class).update("INSERT INTO points_account (id, user_id, balance) VALUES (2, 5001, 1)");
            TestSides.newFaults.set(Fault.NONE);

            Map<String, Object> status = endpoint.status();

            Map<String, Object> points = map(map(status.get("units")).get("points"));
            assertThat(points).containsEntry("stage", "DUAL_WRITE").containsEntry("grayStage", "READ_NEW")
                    .containsEntry("grayRatio", 100).containsEntry("whitelistSize", 2).containsEntry("blacklistSize", 1);
            Map<String, Object> config = map(status.get("config"));
            assertThat(config).containsEntry("version", 1L).containsEntry("source", "spring:environment")
                    .containsEntry("rejected", 0L);
            Map<String, Object> journal = map(status.get("journal"));
            assertThat(journal).containsEntry("pendingBehindNew", 1L).containsEntry("pendingBehindOld", 0L)
                    .containsEntry("dead", 0L).containsEntry("conflicts", 0L);
            assertThat(map(status.get("breakers"))).containsEntry("new", "CLOSED").containsEntry("old", "CLOSED");
            assertThat(map(status.get("statements"))).containsEntry("writes", 2L).containsEntry("secondaryFailures", 1L)
                    .containsEntry("journaled", 1L).containsEntry("outagesOpen", 0L).containsEntry("journalBuffered", 0L);
            assertThat(map(status.get("admin"))).containsEntry("writeEnabled", false);
            String json = new ObjectMapper().findAndRegisterModules().writeValueAsString(status);
            assertThat(json).doesNotContain(SECRET).doesNotContainIgnoringCase("password").doesNotContain("jdbc:");
        });
    }

    @Test
    void explainSaysWhereAUserGoesAndWhy() {
        runner.run(ctx -> {
            DualWriteEndpoint endpoint = ctx.getBean(DualWriteEndpoint.class);
            WebEndpointResponse<Map<String, Object>> gray = endpoint.explain("explain", "points", "10050");
            assertThat(gray.getStatus()).isEqualTo(200);
            assertThat(gray.getBody()).containsEntry("bucket", 50).containsEntry("rule", "RATIO_IN")
                    .containsEntry("stage", "READ_NEW").containsEntry("readSide", "NEW").containsEntry("authority", "OLD");
            WebEndpointResponse<Map<String, Object>> listed = endpoint.explain("explain", "points", "42");
            assertThat(listed.getBody()).containsEntry("rule", "BLACKLIST").containsEntry("stage", "DUAL_WRITE")
                    .containsEntry("readSide", "OLD");
            assertThat(endpoint.explain("explain", "nope", "1").getStatus()).isEqualTo(404);
            assertThat(endpoint.explain("other", "points", "1").getStatus()).isEqualTo(404);
        });
    }

    @Test
    void writesAreRefusedUnlessEnabled() {
        runner.run(ctx -> {
            DualWriteEndpoint endpoint = ctx.getBean(DualWriteEndpoint.class);
            WebEndpointResponse<Map<String, Object>> r = endpoint.change("points", null, null, 500, null, "alice", null);
            assertThat(r.getStatus()).isEqualTo(403);
            assertThat(ctx.getBean(MigrationControl.class).current().config().unit("points").orElseThrow().gray().ratio())
                    .isEqualTo(100);
        });
    }

    @Test
    void writesGoThroughTheSameRulesAndAreShown() {
        runner.withPropertyValues("dualwrite.admin.write-enabled=true").run(ctx -> {
            DualWriteEndpoint endpoint = ctx.getBean(DualWriteEndpoint.class);
            MigrationControl control = ctx.getBean(MigrationControl.class);

            WebEndpointResponse<Map<String, Object>> ok = endpoint.change("points", null, null, 500, null, "alice", null);
            assertThat(ok.getStatus()).isEqualTo(200);
            assertThat(ok.getBody()).containsEntry("outcome", "ACCEPTED").containsEntry("version", 2L);
            assertThat(control.current().source()).isEqualTo("actuator:alice");
            assertThat(control.current().config().unit("points").orElseThrow().gray().ratio()).isEqualTo(500);

            // an illegal move (DUAL_WRITE -> NEW_ONLY) is rejected with the reason, the document stays
            WebEndpointResponse<Map<String, Object>> illegal = endpoint.change("points", Stage.NEW_ONLY, Stage.NEW_ONLY,
                    0, null, "bob", null);
            assertThat(illegal.getStatus()).isEqualTo(400);
            assertThat(illegal.getBody()).containsEntry("outcome", "REJECTED");
            assertThat(control.current().version()).isEqualTo(2);
            // an invalid value never builds a document
            WebEndpointResponse<Map<String, Object>> invalid = endpoint.change("points", null, null, 20000, null, "bob", null);
            assertThat(invalid.getStatus()).isEqualTo(400);
            assertThat(String.valueOf(invalid.getBody().get("problems"))).contains("20000");

            Map<String, Object> config = map(endpoint.status().get("config"));
            assertThat(config).containsEntry("version", 2L).containsEntry("rejected", 2L);
            assertThat(map(config.get("lastChange"))).containsEntry("source", "actuator:alice").containsEntry("version", 2L);
            assertThat(map(config.get("lastRejection"))).containsEntry("source", "actuator:bob");
            assertThat(String.valueOf(map(config.get("lastRejection")).get("problems"))).contains("20000");
        });
    }

    @Test
    void healthIsDownOnlyWhenTheAuthorityIsDown() {
        runner.run(ctx -> {
            HealthIndicator health = ctx.getBean("dualWriteHealthIndicator", HealthIndicator.class);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            TestSides.newFaults.set(Fault.DOWN); // secondary for everyone in DUAL_WRITE / READ_NEW
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            assertThat(map(health.health().getDetails().get("new"))).containsEntry("status", "DOWN")
                    .containsEntry("role", "secondary");
            TestSides.newFaults.set(Fault.NONE);
            TestSides.oldFaults.set(Fault.DOWN);
            assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
            assertThat(map(health.health().getDetails().get("old"))).containsEntry("role", "authority");
            TestSides.oldFaults.set(Fault.NONE);
        });
        // new is the authority in NEW_PRIMARY: old going down is a detail, new going down is DOWN
        runner.withPropertyValues("dualwrite.units.points.stage=NEW_PRIMARY", "dualwrite.units.points.gray.stage=NEW_PRIMARY",
                "dualwrite.units.points.gray.ratio=0", "dualwrite.units.points.gray.whitelist=",
                "dualwrite.units.points.gray.blacklist=").run(ctx -> {
            HealthIndicator health = ctx.getBean("dualWriteHealthIndicator", HealthIndicator.class);
            TestSides.oldFaults.set(Fault.DOWN);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            TestSides.oldFaults.set(Fault.NONE);
            TestSides.newFaults.set(Fault.DOWN);
            assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
            TestSides.newFaults.set(Fault.NONE);
        });
    }

    @Test
    void metricsAreBoundToTheRegistry() {
        runner.run(ctx -> {
            MeterRegistry registry = ctx.getBean(MeterRegistry.class);
            JdbcTemplate jdbc = ctx.getBean(JdbcTemplate.class);
            for (int i = 0; i < 3; i++) {
                jdbc.update("INSERT INTO points_detail (id, user_id, amount) VALUES (?, ?, 1)", i, 5000 + i);
            }
            jdbc.queryForList("SELECT * FROM points_detail WHERE user_id = ?", 5000);
            assertThat(registry.get("dualwrite.writes").functionCounter().count()).isEqualTo(3.0);
            assertThat(registry.get("dualwrite.secondary.writes").tag("outcome", "success").functionCounter().count())
                    .isEqualTo(3.0);
            assertThat(registry.get("dualwrite.reads").tag("side", "old").functionCounter().count()).isEqualTo(1.0);
            assertThat(registry.get("dualwrite.unit.stage").tag("unit", "points").gauge().value())
                    .isEqualTo(Stage.DUAL_WRITE.ordinal());
            assertThat(registry.get("dualwrite.unit.gray.ratio").tag("unit", "points").gauge().value()).isEqualTo(100.0);
            assertThat(registry.get("dualwrite.config.version").gauge().value()).isEqualTo(1.0);
            assertThat(registry.get("dualwrite.config.rejected.early").functionCounter().count()).isZero();
        });
    }

    @Test
    void theRawPoolsKeepTheirMetrics() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DualWriteAutoConfiguration.class,
                        DualWriteActuatorAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
                        MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
                        CompositeMeterRegistryAutoConfiguration.class, DataSourcePoolMetricsAutoConfiguration.class))
                .withBean("newDataSource", DataSource.class, () -> TestSides.pair.newDataSource())
                .withPropertyValues("dualwrite.enabled=true", "dualwrite.repair.enabled=false",
                        "dualwrite.journal.file=" + dir.resolve("journal.jsonl"),
                        "dualwrite.old.jdbc-url=" + TestSides.pair.oldUrl(),
                        "dualwrite.old.username=" + TestSides.pair.username(), "dualwrite.old.maximum-pool-size=3")
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    ctx.getBean(JdbcTemplate.class).queryForList("SELECT * FROM app_config");
                    MeterRegistry registry = ctx.getBean(MeterRegistry.class);
                    assertThat(registry.get("hikaricp.connections.max").tag("pool", "dualwrite-old").gauge().value())
                            .isEqualTo(3.0);
                    assertThat(registry.get("dualwrite.reads").tag("side", "old").functionCounter().count()).isEqualTo(1.0);
                });
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }
}
