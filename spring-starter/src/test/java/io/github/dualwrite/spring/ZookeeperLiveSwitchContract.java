package io.github.dualwrite.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.config.UnitConfig;
import io.github.dualwrite.testing.DbPair;
import io.github.dualwrite.testing.Poll;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.data.jpa.JpaRepositoriesAutoConfiguration;
import org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The live switch against a real config centre: Spring Cloud Zookeeper Config over an in-process ZooKeeper
 * server. Under concurrent load the stage and gray ratio flip when znodes change, with no business error and
 * nothing acknowledged lost; invalid values and illegal moves are rejected and the last good document stays,
 * and the endpoint and the meters show what happened.
 */
abstract class ZookeeperLiveSwitchContract {

    private static final String APP = "zkswitch";
    private static final String KEYS = "/config/" + APP + "/dualwrite.units.points.";
    private static final int USERS = 2_000;

    @TempDir
    Path dir;

    private TestingServer zookeeper;
    private CuratorFramework client;
    private ConfigurableApplicationContext app;

    /** The databases of this run. */
    abstract DbPair openPair();

    /** A label for the printed figures. */
    abstract String db();

    @BeforeEach
    void setUp() throws Exception {
        TestSides.open(openPair());
        zookeeper = new TestingServer(-1, dir.resolve("zk").toFile());
        client = CuratorFrameworkFactory.newClient(zookeeper.getConnectString(), new RetryOneTime(100));
        client.start();
        write("routing-column", "user_id");
        write("tables", "points_account,points_detail");
        write("stage", "OLD_ONLY");
        write("gray.stage", "DUAL_WRITE");
        write("gray.ratio", "0");
        app = new SpringApplicationBuilder(ZkApp.class).web(WebApplicationType.NONE).run(
                "--spring.application.name=" + APP,
                "--spring.config.import=zookeeper:" + zookeeper.getConnectString(),
                "--spring.cloud.zookeeper.enabled=true",
                "--spring.cloud.zookeeper.config.enabled=true",
                "--spring.cloud.zookeeper.connect-string=" + zookeeper.getConnectString(),
                "--dualwrite.enabled=true",
                "--dualwrite.journal.file=" + dir.resolve("journal.jsonl"),
                "--dualwrite.repair.interval=200ms",
                "--management.endpoints.web.exposure.include=dualwrite",
                "--management.endpoints.jmx.exposure.include=dualwrite");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (app != null) {
            app.close();
        }
        if (client != null) {
            client.close();
        }
        if (zookeeper != null) {
            zookeeper.close();
        }
        TestSides.close();
    }

    @Test
    void stagesFlipUnderLoadFromZookeeperAndInvalidValuesAreRejected() throws Exception {
        MigrationControl control = app.getBean(MigrationControl.class);
        DualWriteEndpoint endpoint = app.getBean(DualWriteEndpoint.class);
        JdbcTemplate jdbc = app.getBean(JdbcTemplate.class);
        assertThat(unit(control).stage()).isEqualTo(Stage.OLD_ONLY);
        AtomicInteger accepted = new AtomicInteger();
        control.addListener(change -> accepted.incrementAndGet());

        // load: inserts with explicit ids into a ledger of what callers were told succeeded, plus reads
        Map<Long, long[]> ledger = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        AtomicLong ids = new AtomicLong();
        AtomicLong ops = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            workers.add(pool.submit(() -> {
                while (!stop.get()) {
                    long user = ThreadLocalRandom.current().nextLong(USERS);
                    try {
                        if (ThreadLocalRandom.current().nextInt(4) == 0) {
                            jdbc.queryForList("SELECT id, amount FROM points_detail WHERE user_id = ?", user);
                        } else {
                            long id = ids.incrementAndGet();
                            long amount = ThreadLocalRandom.current().nextLong(1, 1000);
                            jdbc.update("INSERT INTO points_detail (id, user_id, amount, note) VALUES (?, ?, ?, 'zk')",
                                    id, user, amount);
                            ledger.put(id, new long[] {user, amount});
                        }
                        ops.incrementAndGet();
                    } catch (RuntimeException e) {
                        errors.add(e);
                    }
                }
            }));
        }

        // flips, each a znode write picked up by the watcher and applied while the load runs
        String[][] flips = {
            {"gray.ratio", "1000"}, {"gray.ratio", "5000"}, {"stage", "DUAL_WRITE"}, {"stage", "OLD_ONLY"},
            {"stage", "DUAL_WRITE"}, {"gray.ratio", "0"}, {"stage", "OLD_ONLY"}, {"stage", "DUAL_WRITE"},
        };
        int flipsObserved = 0;
        for (String[] flip : flips) {
            long before = ops.get();
            write(flip[0], flip[1]);
            Poll.until(Duration.ofSeconds(30), () -> current(control, flip[0]).equals(flip[1]));
            flipsObserved++;
            Poll.until(Duration.ofSeconds(30), () -> ops.get() > before + 50); // traffic in every state
        }

        assertThat(control.current().source()).isEqualTo("environment:dualwrite.units.points.stage");

        // an out-of-range value: rejected by the core, the last good document stays
        long version = control.current().version();
        long rejected = control.rejectedCount();
        write("gray.ratio", "20000");
        Poll.until(Duration.ofSeconds(30), () -> control.rejectedCount() == rejected + 1);
        assertThat(unit(control).gray().ratio()).isZero();
        assertThat(control.current().version()).isEqualTo(version);
        // a value of the wrong type never builds a document
        write("gray.ratio", "lots");
        ConfigHistory history = app.getBean(ConfigHistory.class);
        Poll.until(Duration.ofSeconds(30), () -> history.rejectedBeforeControlCount() == 1);
        write("gray.ratio", "0");
        // an illegal move (DUAL_WRITE -> NEW_ONLY) is rejected with the reason
        write("stage", "NEW_ONLY");
        Poll.until(Duration.ofSeconds(30), () -> control.rejectedCount() == rejected + 2);
        assertThat(unit(control).stage()).isEqualTo(Stage.DUAL_WRITE);
        write("stage", "DUAL_WRITE");

        stop.set(true);
        for (Future<?> w : workers) {
            w.get();
        }
        pool.shutdown();

        // what the endpoint and the meters say
        Map<String, Object> config = DualWriteActuatorTest.map(endpoint.status().get("config"));
        assertThat(config).containsEntry("version", version).containsEntry("rejected", 3L);
        assertThat(String.valueOf(DualWriteActuatorTest.map(config.get("lastRejection")).get("problems")))
                .contains("NEW_ONLY");
        assertThat(DualWriteActuatorTest.map(DualWriteActuatorTest.map(endpoint.status().get("units")).get("points")))
                .containsEntry("stage", "DUAL_WRITE").containsEntry("grayRatio", 0);
        MeterRegistry registry = app.getBean(MeterRegistry.class);
        assertThat(registry.get("dualwrite.config.version").gauge().value()).isEqualTo((double) version);
        assertThat(registry.get("dualwrite.config.rejected").functionCounter().count()).isEqualTo(2.0);
        assertThat(registry.get("dualwrite.config.rejected.early").functionCounter().count()).isEqualTo(1.0);
        assertThat(registry.get("dualwrite.unit.stage").tag("unit", "points").gauge().value())
                .isEqualTo(Stage.DUAL_WRITE.ordinal());

        // no business errors; every acknowledged row is on the authority (old throughout) with its value,
        // and the new side holds nothing the old side does not
        assertThat(errors).isEmpty();
        assertThat(TestSides.pair.countOld("points_detail")).isEqualTo(ledger.size());
        for (Map<String, Object> row : TestSides.pair.queryOld("SELECT id, user_id, amount FROM points_detail")) {
            long[] acknowledged = ledger.get(((Number) row.get("id")).longValue());
            assertThat(acknowledged).isNotNull();
            assertThat(((Number) row.get("user_id")).longValue()).isEqualTo(acknowledged[0]);
            assertThat(((Number) row.get("amount")).longValue()).isEqualTo(acknowledged[1]);
        }
        for (Map<String, Object> row : TestSides.pair.queryNew("SELECT id, amount FROM points_detail")) {
            assertThat(ledger.get(((Number) row.get("id")).longValue())[1])
                    .isEqualTo(((Number) row.get("amount")).longValue());
        }
        assertThat(flipsObserved).isEqualTo(flips.length);
        assertThat(accepted.get()).isGreaterThanOrEqualTo(flips.length);
        System.out.printf("ZKSWITCH db=" + db() + " ops=%d acknowledged_inserts=%d business_errors=%d flips=%d accepted=%d rejected=%d"
                        + " new_rows=%d%n", ops.get(), ledger.size(), errors.size(), flipsObserved, accepted.get(),
                3, TestSides.pair.countNew("points_detail"));
    }

    private void write(String key, String value) throws Exception {
        byte[] data = value.getBytes(StandardCharsets.UTF_8);
        if (client.checkExists().forPath(KEYS + key) == null) {
            client.create().creatingParentsIfNeeded().forPath(KEYS + key, data);
        } else {
            client.setData().forPath(KEYS + key, data);
        }
    }

    private static UnitConfig unit(MigrationControl control) {
        return control.current().config().unit("points").orElseThrow();
    }

    private static String current(MigrationControl control, String key) {
        UnitConfig u = unit(control);
        return key.equals("stage") ? u.stage().name() : String.valueOf(u.gray().ratio());
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration(exclude = {HibernateJpaAutoConfiguration.class, JpaRepositoriesAutoConfiguration.class})
    @Import(TestSides.class)
    static class ZkApp {
    }
}
