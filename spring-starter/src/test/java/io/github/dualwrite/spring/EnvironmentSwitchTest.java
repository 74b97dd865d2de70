package io.github.dualwrite.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.testing.DbPair;
import io.github.dualwrite.testing.FaultyDataSource.Fault;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.core.env.MapPropertySource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The live switch on its own: an {@link EnvironmentChangeEvent} (what every Spring Cloud config centre publishes)
 * re-applies the document through the control, so the legal-move rules and the journal gate hold.
 */
class EnvironmentSwitchTest {

    @TempDir
    Path dir;

    private ApplicationContextRunner runner;

    @BeforeEach
    void setUp() {
        TestSides.open(DbPair.h2("envswitch"));
        runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DualWriteAutoConfiguration.class, JdbcTemplateAutoConfiguration.class))
                .withUserConfiguration(TestSides.class)
                .withPropertyValues("dualwrite.enabled=true", "dualwrite.repair.enabled=false",
                        "dualwrite.journal.file=" + dir.resolve("journal.jsonl"),
                        "dualwrite.units.points.routing-column=user_id",
                        "dualwrite.units.points.tables.points_account.id-source=APPLICATION",
                        "dualwrite.units.points.stage=DUAL_WRITE");
    }

    @AfterEach
    void tearDown() {
        TestSides.close();
    }

    @Test
    void theJournalGateHoldsAMoveFromTheEnvironmentUntilForced() {
        runner.run(ctx -> {
            MigrationControl control = ctx.getBean(MigrationControl.class);
            TestSides.newFaults.set(Fault.EXECUTE);
            ctx.getBean(JdbcTemplate.class).update("INSERT INTO points_account (id, user_id, balance) VALUES (1, 42, 7)");
            TestSides.newFaults.set(Fault.NONE);

            change(ctx, Map.of("dualwrite.units.points.stage", "READ_NEW", "dualwrite.units.points.gray.stage", "READ_NEW"));

            assertThat(control.current().config().unit("points").orElseThrow().stage()).isEqualTo(Stage.DUAL_WRITE);
            ConfigHistory history = ctx.getBean(ConfigHistory.class);
            assertThat(history.lastRejection().source()).isEqualTo("environment:dualwrite.units.points.gray.stage,"
                    + "dualwrite.units.points.stage");
            assertThat(String.join(" ", history.lastRejection().lines())).contains("drain first");

            change(ctx, Map.of("dualwrite.force", "true"));

            assertThat(control.current().config().unit("points").orElseThrow().stage()).isEqualTo(Stage.READ_NEW);
            assertThat(history.lastChange().forced()).isNotEmpty();
        });
    }

    @Test
    void onlyDocumentKeysTriggerAndAnEqualDocumentChangesNothing() {
        runner.run(ctx -> {
            MigrationControl control = ctx.getBean(MigrationControl.class);
            change(ctx, Map.of("dualwrite.repair.interval", "1s", "spring.application.name", "x"));
            assertThat(control.current().version()).isEqualTo(1);
            change(ctx, Map.of("dualwrite.units.points.stage", "DUAL_WRITE"));
            assertThat(control.current().version()).isEqualTo(1);
            assertThat(control.rejectedCount()).isZero();
            change(ctx, Map.of("dualwrite.units.points.gray.ratio", "100", "dualwrite.units.points.gray.stage", "READ_NEW"));
            assertThat(control.current().version()).isEqualTo(2);
            assertThat(control.current().source()).startsWith("environment:");
        });
    }

    /** What a config centre does: change the Environment, then publish the changed keys. */
    private static void change(AssertableApplicationContext ctx, Map<String, Object> values) {
        var sources = ctx.getEnvironment().getPropertySources();
        Map<String, Object> merged = new LinkedHashMap<>();
        if (sources.get("centre") instanceof MapPropertySource existing) {
            merged.putAll(existing.getSource());
        }
        merged.putAll(values);
        sources.addFirst(new MapPropertySource("centre", merged));
        ctx.publishEvent(new EnvironmentChangeEvent(ctx, Set.copyOf(values.keySet())));
    }
}
