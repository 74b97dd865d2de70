package io.github.dualwrite.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.dualwrite.testing.Poll;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bounded inputs (issue 14, item 1): a small document with aliases must not turn into a huge problem message,
 * and a config poller keeps polling whatever a check throws.
 */
class ConfigLimitsTest {

    /** About 60 KB: a 20,000-character anchor used 10,000 times as a table name. */
    static String aliasBomb() {
        StringBuilder doc = new StringBuilder("units:\n  points:\n    routing-column: user_id\n    stage: OLD_ONLY\n"
                + "    tables: [&k " + "x".repeat(20_000));
        for (int i = 0; i < 10_000; i++) {
            doc.append(", *k");
        }
        return doc.append("]\n").toString();
    }

    static final String VALID = JdbcConfigSourceTest.DOC;

    /** Bytes this thread allocated while running {@code r}: a measure of work, not of time. */
    static long allocatedBy(Runnable r) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        r.run();
        return threads.getThreadAllocatedBytes(id) - before;
    }

    @Test
    void theAliasedDocumentIsRejectedWithAShortMessage() {
        String doc = aliasBomb();
        assertThat(doc.length()).isBetween(55_000, 65_000);
        InvalidConfigException[] error = new InvalidConfigException[1];
        long allocated = allocatedBy(() -> {
            try {
                MigrationConfig.fromYaml(doc);
            } catch (InvalidConfigException e) {
                error[0] = e;
            }
        });
        assertThat(error[0]).isNotNull();
        assertThat(error[0].getMessage()).hasSizeLessThan(20_000).contains("units.points.tables")
                .contains("at most " + ConfigLimits.MAX_TABLES_PER_UNIT);
        assertThat(allocated).as("bytes allocated to reject a 60 KB document").isLessThan(64L << 20);
    }

    @Test
    void echoedValuesAreTruncated() {
        String longName = "y".repeat(5_000);
        assertThatThrownBy(() -> MigrationConfig.fromYaml(VALID.replace("routing-column: user_id",
                "routing-column: " + longName)))
                .isInstanceOf(InvalidConfigException.class)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400)
                        .contains("5000 characters").contains("yyyy"));
        assertThat(Names.whyInvalid("a b".repeat(10_000))).hasSizeLessThan(300);
    }

    @Test
    void classTagsAndNestedAliasesAreRefusedShortly() {
        String tag = "units: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL"
                + " [\"http://127.0.0.1:1/\"]]]]\n";
        assertThatThrownBy(() -> MigrationConfig.fromYaml(tag)).isInstanceOf(InvalidConfigException.class)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(1_000));
        String laughs = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                + "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                + "units: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n";
        assertThatThrownBy(() -> MigrationConfig.fromYaml(laughs)).isInstanceOf(InvalidConfigException.class)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(1_000).contains("aliases"));
    }

    @Test
    void tooManyProblemsAreCountedNotListed() {
        StringBuilder doc = new StringBuilder("units:\n");
        for (int i = 0; i < 500; i++) {
            doc.append("  u").append(i).append(": {routing-column: user_id, stage: NOPE, tables: [t").append(i).append("]}\n");
        }
        assertThatThrownBy(() -> MigrationConfig.fromYaml(doc.toString()))
                .isInstanceOf(InvalidConfigException.class)
                .satisfies(e -> {
                    InvalidConfigException ice = (InvalidConfigException) e;
                    assertThat(ice.problems()).hasSize(ConfigLimits.MAX_PROBLEMS + 1);
                    assertThat(ice.getMessage()).contains("400 more problems not shown");
                });
    }

    @Test
    void documentsAndCountsHaveLimits() {
        String huge = VALID + "#" + "z".repeat(ConfigLimits.MAX_DOCUMENT_CHARS);
        assertThatThrownBy(() -> MigrationConfig.fromYaml(huge)).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("at most " + ConfigLimits.MAX_DOCUMENT_CHARS + " characters");
        StringBuilder units = new StringBuilder("units:\n");
        for (int i = 0; i <= ConfigLimits.MAX_UNITS; i++) {
            units.append("  u").append(i).append(": {routing-column: user_id, stage: OLD_ONLY, tables: [t").append(i).append("]}\n");
        }
        assertThatThrownBy(() -> MigrationConfig.fromYaml(units.toString())).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("units: has " + (ConfigLimits.MAX_UNITS + 1) + " entries; at most " + ConfigLimits.MAX_UNITS);
        StringBuilder white = new StringBuilder(VALID + "    gray: {ratio: 0, whitelist: [");
        for (int i = 0; i <= ConfigLimits.MAX_LIST_ENTRIES; i++) {
            white.append(i == 0 ? "" : ",").append(i);
        }
        assertThatThrownBy(() -> MigrationConfig.fromYaml(white.append("]}\n").toString()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("units.points.gray.whitelist: has " + (ConfigLimits.MAX_LIST_ENTRIES + 1) + " entries");
    }

    @Test
    void theTablePollerRejectsTheBombThenAppliesAValidVersion() throws Exception {
        DataSource ds = JdbcConfigSourceTest.h2("limits_table");
        MigrationControl control = MigrationControl.empty(Clock.systemUTC());
        try (JdbcConfigSource source = JdbcConfigSource.builder(ds, control).pollInterval(Duration.ofMillis(50)).build()) {
            // written straight into the table, as anyone with write access could
            store(ds, 1, aliasBomb());
            Poll.until(Duration.ofSeconds(20), () -> control.rejectedCount() == 1);
            assertThat(control.current().version()).isZero();
            source.publish(VALID, MigrationConfig.Format.YAML, "test");
            Poll.until(Duration.ofSeconds(20), () -> control.current().config().unit("points").isPresent());
        }
    }

    @Test
    void theTablePollerKeepsPollingAfterAnError() throws Exception {
        DataSource real = JdbcConfigSourceTest.h2("limits_error");
        AtomicInteger failNext = new AtomicInteger();
        DataSource flaky = (DataSource) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection") && failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        throw new StackOverflowError("simulated: a check that dies with an Error");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        MigrationControl control = MigrationControl.empty(Clock.systemUTC());
        try (JdbcConfigSource source = JdbcConfigSource.builder(flaky, control).pollInterval(Duration.ofMillis(20)).build()) {
            failNext.set(3);
            Poll.until(Duration.ofSeconds(20), () -> source.pollFailures() >= 3);
            store(real, 1, VALID);
            Poll.until(Duration.ofSeconds(20), () -> control.current().config().unit("points").isPresent());
            assertThat(source.pollFailures()).isEqualTo(3);
        }
    }

    @Test
    void theFileWatcherRejectsTheBombThenAppliesAValidVersion(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("dualwrite.yaml");
        Files.writeString(file, "units: {}\n");
        MigrationControl control = MigrationControl.empty(Clock.systemUTC());
        try (FileConfigSource source = FileConfigSource.builder(file, control).pollInterval(Duration.ofMillis(50))
                .debounce(Duration.ofMillis(10)).build()) {
            Poll.until(Duration.ofSeconds(20), () -> control.current().version() == 1);
            Files.writeString(file, aliasBomb(), StandardCharsets.UTF_8);
            Poll.until(Duration.ofSeconds(20), () -> control.rejectedCount() == 1);
            Files.writeString(file, VALID, StandardCharsets.UTF_8);
            Poll.until(Duration.ofSeconds(20), () -> control.current().config().unit("points").isPresent());
            assertThat(source.pollFailures()).isZero();
        }
    }

    private static void store(DataSource ds, long version, String document) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "MERGE INTO dualwrite_config (name, version, format, document, updated_by, updated_at)"
                        + " KEY (name) VALUES ('default', ?, 'YAML', ?, 'someone', CURRENT_TIMESTAMP)")) {
            ps.setLong(1, version);
            ps.setString(2, document);
            ps.executeUpdate();
        }
    }
}
