package io.github.dualwrite.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dualwrite.DualWrite;
import io.github.dualwrite.DualWriteDataSource;
import io.github.dualwrite.RoutingScope;
import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.config.UnitConfig;
import io.github.dualwrite.sync.Repairer;
import io.github.dualwrite.testing.DbPair;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;

/** Back-off and override behaviour of the auto-configuration, and the failures it explains. */
class DualWriteAutoConfigurationTest {

    @TempDir
    Path dir;

    private ApplicationContextRunner runner;

    @BeforeEach
    void setUp() {
        TestSides.open(DbPair.h2("autoconfig"));
        runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DualWriteAutoConfiguration.class,
                        DataSourceAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
                        DataSourceTransactionManagerAutoConfiguration.class))
                .withPropertyValues("dualwrite.journal.file=" + dir.resolve("journal.jsonl"),
                        "dualwrite.units.points.routing-column=user_id",
                        "dualwrite.units.points.tables=points_account,points_detail",
                        "dualwrite.units.points.stage=DUAL_WRITE");
    }

    @AfterEach
    void tearDown() {
        TestSides.close();
    }

    @Test
    void nothingHappensUnlessEnabled() {
        runner.withUserConfiguration(TestSides.class).run(ctx -> {
            assertThat(ctx).hasNotFailed().doesNotHaveBean(DualWriteDataSource.class).doesNotHaveBean(MigrationControl.class);
        });
    }

    @Test
    void backsOffWhenTheCoreIsNotOnTheClassPath() {
        runner.withUserConfiguration(TestSides.class).withPropertyValues("dualwrite.enabled=true")
                .withClassLoader(new FilteredClassLoader(DualWriteDataSource.class))
                .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(MigrationControl.class));
    }

    @Test
    void theDualWriteDataSourceIsThePrimaryOneAndJdbcTemplateWritesThroughIt() {
        runner.withUserConfiguration(TestSides.class).withPropertyValues("dualwrite.enabled=true").run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx.getBeansOfType(DataSource.class)).containsOnlyKeys("oldDataSource", "newDataSource",
                    DualWriteAutoConfiguration.DATA_SOURCE);
            assertThat(ctx.getBean(DataSource.class)).isInstanceOf(DualWriteDataSource.class);
            assertThat(ctx.getBean(JdbcTransactionManager.class).getDataSource()).isInstanceOf(DualWriteDataSource.class);
            JdbcTemplate jdbc = ctx.getBean(JdbcTemplate.class);
            jdbc.update("INSERT INTO points_account (id, user_id, balance) VALUES (?, ?, ?)", 1, 42, 100);
            // DUAL_WRITE from the properties: the row is on both sides
            assertThat(TestSides.pair.countOld("points_account")).isEqualTo(1);
            assertThat(TestSides.pair.countNew("points_account")).isEqualTo(1);
            assertThat(ctx.getBean(MigrationControl.class).current().source()).isEqualTo("spring:environment");
            assertThat(ctx).hasSingleBean(Repairer.class).hasSingleBean(BackgroundJobs.class);
            assertThat(ctx.getBean(BackgroundJobs.class).isRunning()).isTrue();
        });
    }

    @Test
    void theRepairerCanBeTurnedOff() {
        runner.withUserConfiguration(TestSides.class)
                .withPropertyValues("dualwrite.enabled=true", "dualwrite.repair.enabled=false")
                .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(Repairer.class));
    }

    @Test
    void theApplicationsOwnBeansWin() {
        runner.withUserConfiguration(TestSides.class, OwnControl.class).withPropertyValues("dualwrite.enabled=true")
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    MigrationControl control = ctx.getBean(MigrationControl.class);
                    assertThat(control).isSameAs(OwnControl.CONTROL);
                    assertThat(ctx.getBean(DualWriteDataSource.class).control()).isSameAs(control);
                });
        runner.withUserConfiguration(TestSides.class, OwnDataSource.class).withPropertyValues("dualwrite.enabled=true")
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx.getBean(DualWriteDataSource.class)).isSameAs(ctx.getBean("ownDualWrite"));
                });
    }

    @Test
    void customizersAdjustTheBuilder() {
        runner.withUserConfiguration(TestSides.class, Customized.class).withPropertyValues("dualwrite.enabled=true")
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(Customized.calls).isEqualTo(1);
                });
    }

    @Test
    void bothSidesFromProperties() throws Exception {
        Path yaml = dir.resolve("sharding.yaml");
        Files.writeString(yaml, TestSides.pair.shardingYaml("props_" + System.nanoTime()));
        runner.withPropertyValues("dualwrite.enabled=true",
                        "dualwrite.old.jdbc-url=" + TestSides.pair.oldUrl(),
                        "dualwrite.old.username=" + TestSides.pair.username(),
                        "dualwrite.old.maximum-pool-size=3",
                        "dualwrite.new.sharding-config=file:" + yaml)
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx.getBean("oldDataSource", com.zaxxer.hikari.HikariDataSource.class).getMaximumPoolSize())
                            .isEqualTo(3);
                    ctx.getBean(JdbcTemplate.class).update(
                            "INSERT INTO points_detail (id, user_id, amount) VALUES (?, ?, ?)", 5, 7, 10);
                    assertThat(TestSides.pair.countOld("points_detail")).isEqualTo(1);
                    assertThat(TestSides.pair.countNew("points_detail")).isEqualTo(1);
                });
    }

    @Test
    void noWayToTellOldFromNewIsExplained() {
        runner.withUserConfiguration(TwoUnnamed.class).withPropertyValues("dualwrite.enabled=true").run(ctx -> {
            assertThat(ctx).hasFailed();
            FailureAnalysis analysis = new DualWriteFailureAnalyzer().analyze(ctx.getStartupFailure());
            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription()).contains("no DataSource named or qualified 'oldDataSource'")
                    .contains("first, second");
            assertThat(analysis.getAction()).contains("@Bean(\"oldDataSource\")").contains("dualwrite.old.jdbc-url");
        });
    }

    @Test
    void aMissingShardingConfigIsExplained() {
        runner.withPropertyValues("dualwrite.enabled=true", "dualwrite.old.jdbc-url=" + TestSides.pair.oldUrl(),
                "dualwrite.new.sharding-config=classpath:no-such-sharding.yaml").run(ctx -> {
            assertThat(ctx).hasFailed();
            FailureAnalysis analysis = new DualWriteFailureAnalyzer().analyze(ctx.getStartupFailure());
            assertThat(analysis.getDescription()).contains("classpath:no-such-sharding.yaml does not exist");
            assertThat(analysis.getAction()).contains("ShardingSphere-JDBC YAML");
        });
    }

    @Test
    void anInvalidDocumentIsExplainedWithItsPaths() {
        runner.withUserConfiguration(TestSides.class)
                .withPropertyValues("dualwrite.enabled=true", "dualwrite.units.points.gray.ratio=10001",
                        "dualwrite.units.points.gray.stage=READ_NEW")
                .run(ctx -> {
                    assertThat(ctx).hasFailed();
                    FailureAnalysis analysis = new DualWriteFailureAnalyzer().analyze(ctx.getStartupFailure());
                    assertThat(analysis.getDescription())
                            .contains("dualwrite.units.points.gray.ratio: 10001 is out of range 0..10000");
                });
        runner.withUserConfiguration(TestSides.class)
                .withPropertyValues("dualwrite.enabled=true", "dualwrite.units.points.stgae=READ_NEW")
                .run(ctx -> {
                    assertThat(ctx).hasFailed();
                    assertThat(new DualWriteFailureAnalyzer().analyze(ctx.getStartupFailure()).getDescription())
                            .contains("units.points.stgae: is not a known setting");
                });
    }

    @Test
    void routingScopeWorksThroughTheBean() {
        runner.withUserConfiguration(TestSides.class).withPropertyValues("dualwrite.enabled=true",
                "dualwrite.units.points.stage=OLD_ONLY").run(ctx -> {
            MigrationControl control = ctx.getBean(MigrationControl.class);
            MigrationConfig c = control.current().config();
            UnitConfig points = c.unit("points").orElseThrow();
            control.apply(c.withUnit(points.withStage(Stage.DUAL_WRITE).withGray(points.gray().withStage(Stage.DUAL_WRITE))),
                    "test").orThrow();
            try (RoutingScope scope = DualWrite.routeBy(9L)) {
                ctx.getBean(JdbcTemplate.class).update("INSERT INTO points_account (id, user_id, balance) VALUES (3, 9, 1)");
            }
            assertThat(TestSides.pair.countNew("points_account")).isEqualTo(1);
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnControl {
        static final MigrationControl CONTROL = MigrationControl.start(MigrationConfig.EMPTY, "own");

        @Bean
        MigrationControl ownControl() {
            return CONTROL;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnDataSource {
        @Bean
        DualWriteDataSource ownDualWrite() {
            return DualWriteDataSource.builder().oldDataSource(TestSides.pair.oldDataSource())
                    .newDataSource(TestSides.pair.newDataSource())
                    .control(MigrationControl.start(MigrationConfig.EMPTY, "own"))
                    .journalFile(Path.of(System.getProperty("java.io.tmpdir"), "unused-" + System.nanoTime() + ".jsonl"))
                    .build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Customized {
        static int calls;

        @Bean
        DualWriteDataSourceCustomizer countingCustomizer() {
            calls = 0;
            return builder -> {
                calls++;
                builder.maxDirtyKeys(10);
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoUnnamed {
        @Bean
        DataSource first() {
            return TestSides.pair.oldDataSource();
        }

        @Bean
        DataSource second() {
            return TestSides.pair.newDataSource();
        }
    }
}
