package io.github.dualwrite.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dualwrite.DualWriteDataSource;
import io.github.dualwrite.sync.Repairer;
import io.github.dualwrite.testing.DbPair;
import io.github.dualwrite.testing.FaultyDataSource.Fault;
import io.github.dualwrite.testing.Poll;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.jdbc.core.JdbcTemplate;

/** The repairer runs by default, the scheduled verify on request, and both stop with the context. */
class BackgroundJobsTest {

    @TempDir
    Path dir;

    private ApplicationContextRunner runner;

    @BeforeEach
    void setUp() {
        TestSides.open(DbPair.h2("jobs"));
        runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DualWriteAutoConfiguration.class, JdbcTemplateAutoConfiguration.class))
                .withUserConfiguration(TestSides.class)
                .withPropertyValues("dualwrite.enabled=true", "dualwrite.journal.file=" + dir.resolve("journal.jsonl"),
                        "dualwrite.units.points.routing-column=user_id",
                        "dualwrite.units.points.tables.points_account.version-column=gmt_modified",
                        "dualwrite.units.points.tables.points_account.id-source=APPLICATION",
                        "dualwrite.units.points.stage=DUAL_WRITE");
    }

    @AfterEach
    void tearDown() {
        TestSides.close();
    }

    @Test
    void theRepairerRunsByDefaultAndCatchesUpAMissedWrite() {
        runner.withPropertyValues("dualwrite.repair.interval=100ms").run(ctx -> {
            JdbcTemplate jdbc = ctx.getBean(JdbcTemplate.class);
            TestSides.newFaults.set(Fault.EXECUTE);
            jdbc.update("INSERT INTO points_account (id, user_id, balance) VALUES (1, 42, 7)");
            TestSides.newFaults.set(Fault.NONE);
            Repairer repairer = ctx.getBean(Repairer.class);
            Poll.until(Duration.ofSeconds(30), () -> repairer.repairedCount() >= 1
                    && ctx.getBean(DualWriteDataSource.class).journal().stats().pending() == 0);
            assertThat(TestSides.pair.queryNew("SELECT balance FROM points_account WHERE user_id = 42"))
                    .containsExactly(Map.of("balance", 7L));
            assertThat(liveThread("dualwrite-repairer")).isTrue();
            ctx.close();
            Poll.until(Duration.ofSeconds(30), () -> !liveThread("dualwrite-repairer"));
        });
    }

    @Test
    void theScheduledVerifyFindsADifferenceAndStopsWithTheContext() {
        runner.withPropertyValues("dualwrite.verify.enabled=true", "dualwrite.verify.interval=1h",
                "dualwrite.repair.enabled=false").run(ctx -> {
            JdbcTemplate jdbc = ctx.getBean(JdbcTemplate.class);
            jdbc.update("INSERT INTO points_account (id, user_id, balance, gmt_modified) VALUES (1, 42, 7, ?)",
                    Timestamp.from(Instant.now()));
            TestSides.pair.updateNew("UPDATE points_account SET balance = 999 WHERE user_id = 42");
            ScheduledVerify verify = ctx.getBean(ScheduledVerify.class);

            Map<String, ScheduledVerify.Result> run = verify.runOnce();

            assertThat(run).containsOnlyKeys("points");
            assertThat(run.get("points").equal()).isFalse();
            assertThat(run.get("points").line()).contains("different=1");
            Map<String, Object> shown = new DualWriteEndpoint(ctx.getBean(DualWriteDataSource.class),
                    ctx.getBean(ConfigHistory.class), null, verify, false).status();
            assertThat(String.valueOf(shown.get("verify"))).contains("different=1");
            assertThat(liveThread("dualwrite-verify")).isTrue();
            ctx.close();
            assertThat(liveThread("dualwrite-verify")).isFalse(); // close waited for it
        });
    }

    @Test
    void theFailureAnalyzerIsRegistered() {
        // other analyzers need constructor arguments Spring Boot supplies; only ours matters here
        SpringFactoriesLoader.FailureHandler ignore = (type, name, failure) -> { };
        assertThat(SpringFactoriesLoader.forDefaultResourceLocation().load(FailureAnalyzer.class,
                SpringFactoriesLoader.ArgumentResolver.none(), ignore)).anyMatch(DualWriteFailureAnalyzer.class::isInstance);
    }

    private static boolean liveThread(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.isAlive() && t.getName().equals(name));
    }
}
