package io.github.dualwrite.examples.points;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.testing.Poll;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.web.client.RestTemplateBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.StringHttpMessageConverter;
import org.springframework.http.converter.json.MappingJackson2HttpMessageConverter;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Starts the points service on a random port and uses it over HTTP: add, spend, balance, history; a refused
 * spend rolls back on both sides; the stage moves by a POST to the endpoint, by a properties change and
 * {@code /actuator/refresh}, and by the config table, and the endpoint and health show it.
 */
@SuppressWarnings({"unchecked", "rawtypes"})
abstract class PointsServiceContract {

    @TempDir
    Path dir;

    private ConfigurableApplicationContext app;
    private TestRestTemplate http;
    private JdbcTemplate oldDb;
    private JdbcTemplate newDb;

    /** Arguments that point the service at this test's databases. */
    abstract List<String> databaseArgs(Path dir) throws IOException;

    /** The shipped ShardingSphere YAML with {@code from} replaced by {@code to}, written to {@code dir}. */
    static Path shardingYaml(Path dir, String resource, Map<String, String> replacements) throws IOException {
        String yaml = new ClassPathResource(resource).getContentAsString(StandardCharsets.UTF_8);
        for (Map.Entry<String, String> r : replacements.entrySet()) {
            yaml = yaml.replace(r.getKey(), r.getValue());
        }
        Path file = dir.resolve("sharding.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @BeforeEach
    void start() throws IOException {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--dualwrite.journal.file=" + dir.resolve("journal.jsonl"),
                "--dualwrite.repair.interval=200ms",
                "--dualwrite.config-table.enabled=true",
                "--dualwrite.config-table.poll-interval=200ms",
                "--spring.config.import=optional:file:" + dir.resolve("flip.properties")));
        args.addAll(databaseArgs(dir));
        app = new SpringApplicationBuilder(PointsServiceApplication.class).run(args.toArray(String[]::new));
        String port = app.getEnvironment().getProperty("local.server.port");
        // JSON only: the test class path also holds Jackson's XML module
        http = new TestRestTemplate(new RestTemplateBuilder().rootUri("http://127.0.0.1:" + port)
                .messageConverters(new StringHttpMessageConverter(StandardCharsets.UTF_8),
                        new MappingJackson2HttpMessageConverter()));
        oldDb = new JdbcTemplate(app.getBean("oldDataSource", DataSource.class));
        newDb = new JdbcTemplate(app.getBean("newDataSource", DataSource.class));
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void addSpendBalanceHistoryOverHttp() {
        assertThat(post("/points/7/add", 100, "welcome").getBody()).containsEntry("balance", 100);
        assertThat(post("/points/7/spend", 30, "coffee").getBody()).containsEntry("balance", 70);
        ResponseEntity<Map> refused = post("/points/7/spend", 500, "car");
        assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(http.getForObject("/points/7", Map.class)).containsEntry("balance", 70);
        List<?> history = http.getForObject("/points/7/history", List.class);
        assertThat(history).hasSize(2);
        assertThat((Map<String, Object>) history.get(0)).containsEntry("kind", "SPEND").containsEntry("amount", -30);
        assertThat((Map<String, Object>) history.get(1)).containsEntry("kind", "ADD").containsEntry("remark", "welcome");
        assertThat(post("/points/7/add", -1, "x").getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        // OLD_ONLY: the new side has nothing
        assertThat(oldDb.queryForObject("SELECT COUNT(*) FROM points_detail WHERE user_id = 7", Long.class)).isEqualTo(2);
        assertThat(newDb.queryForObject("SELECT COUNT(*) FROM points_detail WHERE user_id = 7", Long.class)).isZero();
    }

    @Test
    void theStageMovesByPostByPropertiesAndByTheConfigTable() throws Exception {
        MigrationControl control = app.getBean(MigrationControl.class);

        // 1. POST /actuator/dualwrite
        ResponseEntity<Map> moved = http.postForEntity("/actuator/dualwrite",
                Map.of("unit", "points", "stage", "DUAL_WRITE", "by", "ops-alice"), Map.class);
        assertThat(moved.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(moved.getBody()).containsEntry("outcome", "ACCEPTED");
        assertThat(post("/points/8/add", 40, "dual").getBody()).containsEntry("balance", 40);
        assertThat(newDb.queryForObject("SELECT balance FROM points_account WHERE user_id = 8", Long.class)).isEqualTo(40);
        assertThat(newDb.queryForObject("SELECT COUNT(*) FROM points_detail WHERE user_id = 8", Long.class)).isEqualTo(1);
        // a refused spend rolls back on both sides
        assertThat(post("/points/8/spend", 41, "too much").getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(oldDb.queryForObject("SELECT COUNT(*) FROM points_detail WHERE user_id = 8", Long.class)).isEqualTo(1);
        assertThat(newDb.queryForObject("SELECT COUNT(*) FROM points_detail WHERE user_id = 8", Long.class)).isEqualTo(1);

        // 2. a properties change picked up by /actuator/refresh (a config centre publishes the same event)
        Files.writeString(dir.resolve("flip.properties"), """
                dualwrite.units.points.stage=READ_NEW
                dualwrite.units.points.gray.stage=READ_NEW
                """);
        assertThat(http.postForEntity("/actuator/refresh", null, List.class).getBody())
                .contains("dualwrite.units.points.stage");
        assertThat(control.current().config().unit("points").orElseThrow().stage()).isEqualTo(Stage.READ_NEW);
        Map<String, Object> explain = http.getForObject("/actuator/dualwrite/explain?unit=points&key=8", Map.class);
        assertThat(explain).containsEntry("readSide", "NEW").containsEntry("authority", "OLD");
        assertThat(http.getForObject("/points/8", Map.class)).containsEntry("balance", 40); // read from the new side
        // an invalid properties change is rejected and shown; READ_NEW stays
        Files.writeString(dir.resolve("flip.properties"), """
                dualwrite.units.points.stage=READ_NEW
                dualwrite.units.points.gray.stage=READ_NEW
                dualwrite.units.points.gray.ratio=10001
                """);
        http.postForEntity("/actuator/refresh", null, List.class);
        Map<String, Object> config = (Map<String, Object>) http.getForObject("/actuator/dualwrite", Map.class).get("config");
        assertThat(String.valueOf(config.get("lastRejection"))).contains("10001 is out of range");
        assertThat(control.current().config().unit("points").orElseThrow().stage()).isEqualTo(Stage.READ_NEW);

        // 3. the config table shared by every instance, published over HTTP (checked once, then taken by all)
        MigrationConfig back = control.current().config();
        back = back.withUnit(back.unit("points").orElseThrow().withStage(Stage.DUAL_WRITE)
                .withGray(io.github.dualwrite.config.UnitConfig.Gray.none(Stage.DUAL_WRITE)));
        HttpHeaders yaml = new HttpHeaders();
        yaml.setContentType(MediaType.parseMediaType("application/yaml"));
        ResponseEntity<Map> illegal = http.postForEntity("/admin/dualwrite-config?by=ops-bob", new HttpEntity<>(
                back.toYaml().replace("DUAL_WRITE", "NEW_ONLY"), yaml), Map.class);
        assertThat(illegal.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(String.valueOf(illegal.getBody().get("problems"))).contains("NEW_ONLY");
        ResponseEntity<Map> published = http.postForEntity("/admin/dualwrite-config?by=ops-bob",
                new HttpEntity<>(back.toYaml(), yaml), Map.class);
        assertThat(published.getStatusCode()).isEqualTo(HttpStatus.OK);
        Poll.until(Duration.ofSeconds(20), () -> control.current().source().startsWith("jdbc:dualwrite_config/default@v"));
        assertThat(control.current().config().unit("points").orElseThrow().stage()).isEqualTo(Stage.DUAL_WRITE);

        // the endpoint shows what happened; health is UP with both sides
        Map<String, Object> status = http.getForObject("/actuator/dualwrite", Map.class);
        Map<String, Object> points = (Map<String, Object>) ((Map<String, Object>) status.get("units")).get("points");
        assertThat(points).containsEntry("stage", "DUAL_WRITE");
        Map<String, Object> shown = (Map<String, Object>) status.get("config");
        assertThat(shown).containsEntry("version", 4);
        assertThat((Map<String, Object>) shown.get("lastChange")).containsEntry("version", 4);
        assertThat(String.valueOf(shown.get("source"))).startsWith("jdbc:dualwrite_config/default@v");
        Map<String, Object> health = http.getForObject("/actuator/health", Map.class);
        assertThat(health).containsEntry("status", "UP");
        assertThat(String.valueOf(health.get("components"))).contains("dualWrite");
    }

    private ResponseEntity<Map> post(String path, long amount, String remark) {
        return http.postForEntity(path, Map.of("amount", amount, "remark", remark), Map.class);
    }
}
