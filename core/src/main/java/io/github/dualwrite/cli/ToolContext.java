package io.github.dualwrite.cli;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.journal.FallbackJournal;
import io.github.dualwrite.journal.FileJournal;
import io.github.dualwrite.journal.JdbcJournal;
import io.github.dualwrite.sync.Checkpoints;
import io.github.dualwrite.sync.RowSync;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.shardingsphere.driver.api.yaml.YamlShardingSphereDataSourceFactory;

/**
 * What every command builds from {@code --config}: the document, the old database's pool, the new
 * ShardingSphere database, RowSync, the journal and the checkpoints. Closes them all.
 */
final class ToolContext implements AutoCloseable {

    final Path configFile;
    final MigrationConfig config;
    final MigrationControl control;
    final String shardingYaml;
    final HikariDataSource oldDataSource;
    final DataSource newDataSource;
    final RowSync rowSync;
    final FallbackJournal journal;
    final Checkpoints checkpoints;
    private final Map<String, HikariDataSource> shards = new LinkedHashMap<>();

    private ToolContext(Path configFile, MigrationConfig config, String shardingYaml, HikariDataSource old,
                        DataSource neu) {
        this.configFile = configFile;
        this.config = config;
        this.control = MigrationControl.start(config, "file:" + configFile);
        this.shardingYaml = shardingYaml;
        this.oldDataSource = old;
        this.newDataSource = neu;
        this.journal = new FallbackJournal(new JdbcJournal(old), new FileJournal(
                configFile.toAbsolutePath().getParent().resolve("dualwrite-journal").resolve("journal.jsonl")));
        this.rowSync = new RowSync(old, neu, control, journal);
        this.checkpoints = new Checkpoints(old);
    }

    /** Reads the document and connects to both databases. */
    static ToolContext open(Path configFile) throws IOException, SQLException {
        String text = Files.readString(configFile, StandardCharsets.UTF_8);
        MigrationConfig config = MigrationConfig.parse(text, MigrationConfig.Format.of(configFile));
        MigrationConfig.DataSources ds = config.datasources();
        if (ds == null) {
            throw new IllegalArgumentException(configFile + " has no datasources section; the tools need one:\n"
                    + "datasources:\n  old: { url: jdbc:mariadb://127.0.0.1:3306/points, username: root, password: '' }\n"
                    + "  new: { sharding-yaml: new-database.yaml }");
        }
        Path yamlFile = configFile.toAbsolutePath().getParent().resolve(ds.shardingYaml());
        String yaml = Files.readString(yamlFile, StandardCharsets.UTF_8);
        UrlGuard.check(ds.old().url(), configFile + " (datasources.old.url)");
        UrlGuard.check(yaml, yamlFile.toString());
        HikariDataSource old = pool("dualwrite-old", ds.old().url(), env(ds.old().username()), env(ds.old().password()),
                ds.old().poolSize());
        try {
            DataSource neu = YamlShardingSphereDataSourceFactory.createDataSource(yamlFile.toFile());
            return new ToolContext(configFile, config, yaml, old, neu);
        } catch (SQLException | IOException | RuntimeException e) {
            old.close();
            throw e;
        }
    }

    /** Pools on the new side's physical databases, from the ShardingSphere YAML, for checks that need them. */
    Map<String, DataSource> shards() {
        if (shards.isEmpty()) {
            io.github.dualwrite.sync.ShardSources.fromYaml(shardingYaml).forEach((name, props) ->
                    shards.put(name, pool("dualwrite-shard-" + name, props.get("url"), props.get("username"),
                            props.get("password"), 2)));
        }
        return new LinkedHashMap<>(shards);
    }

    static HikariDataSource pool(String name, String url, String username, String password, int size) {
        // a driver that cannot parse a URL may echo parts of it: mask these values in whatever is printed
        io.github.dualwrite.config.Secrets.remember(password);
        io.github.dualwrite.config.Secrets.rememberIn(url);
        HikariConfig c = new HikariConfig();
        c.setPoolName(name);
        c.setJdbcUrl(url);
        c.setUsername(username);
        c.setPassword(password);
        c.setMaximumPoolSize(size);
        c.setMinimumIdle(1);
        return new HikariDataSource(c);
    }

    /** Replaces {@code ${NAME}} with the environment variable NAME (kept as is when unset). */
    static String env(String value) {
        if (value == null || !value.startsWith("${") || !value.endsWith("}")) {
            return value;
        }
        String v = System.getenv(value.substring(2, value.length() - 1));
        return v != null ? v : value;
    }

    @Override
    public void close() throws Exception {
        journal.close();
        shards.values().forEach(HikariDataSource::close);
        if (newDataSource instanceof AutoCloseable c) {
            c.close();
        }
        oldDataSource.close();
    }
}
