package io.github.dualwrite.examples.points;

import io.github.dualwrite.config.InvalidConfigException;
import io.github.dualwrite.config.JdbcConfigSource;
import io.github.dualwrite.config.MigrationConfig;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /admin/dualwrite-config?by=alice} with a YAML migration document: publishes it to table
 * {@code dualwrite_config} (with {@code dualwrite.config-table.enabled=true}), checked once against the stored
 * version (validation, legal moves, the journal gate); every instance then takes it. Secure it like the actuator.
 * Writing the table with SQL would skip that check.
 */
@RestController
public class ConfigTableController {

    private final ObjectProvider<JdbcConfigSource> table;

    public ConfigTableController(ObjectProvider<JdbcConfigSource> table) {
        this.table = table;
    }

    @PostMapping(path = "/admin/dualwrite-config", consumes = {"application/yaml", "text/plain"})
    public ResponseEntity<Map<String, Object>> publish(@RequestBody String yaml, @RequestParam String by) {
        JdbcConfigSource source = table.getIfAvailable();
        if (source == null) {
            return ResponseEntity.status(404).body(Map.of("error", "start with dualwrite.config-table.enabled=true"));
        }
        try {
            long version = source.publish(yaml, MigrationConfig.Format.YAML, by);
            return ResponseEntity.ok(Map.of("published", version));
        } catch (InvalidConfigException e) {
            return ResponseEntity.badRequest().body(Map.of("problems", e.problems().stream().map(Object::toString).toList()));
        }
    }
}
