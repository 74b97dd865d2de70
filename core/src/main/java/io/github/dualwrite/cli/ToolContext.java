package io.github.dualwrite.cli;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.dualwrite.config.InvalidConfigException;
import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.journal.FallbackJournal;
import io.github.dualwrite.journal.FileJournal;
import io.github.dualwrite.journal.JdbcJournal;
import io.github.dualwrite.sync.Checkpoints;
import io.github.dualwrite.sync.RowSync;
import io.github.dualwrite.sync.ShardSources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.apache.shardingsphere.driver.api.yaml.YamlShardingSphereDataSourceFactory;

/**
 * What the commands work with: the {@code --config} file, the live document, the old database's pool and,
 * only when a command needs them, the new ShardingSphere database (slow to start: it loads every shard's
 * metadata), RowSync, the journal and the checkpoints. Closes what it opened.
 */
final class ToolContext implements AutoCloseable {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    final Path configFile;
    final MigrationConfig fileConfig;
    final Path shardingYamlFile;
    final Common common;
    private final SideDataSource old;
    private final HikariDataSource oldPool;
    private final LiveDocument live;
    private final MigrationControl control;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private SideDataSource newSide;
    private RowSync rowSync;
    private FallbackJournal journal;
    private Checkpoints checkpoints;
    private final Map<String, DataSource> shards = new LinkedHashMap<>();

    private ToolContext(Common common, Path configFile, MigrationConfig fileConfig, Path yaml, HikariDataSource oldPool) {
        this.common = common;
        this.configFile = configFile;
        this.fileConfig = fileConfig;
        this.shardingYamlFile = yaml;
        this.oldPool = oldPool;
        this.old = new SideDataSource(oldPool, Side.OLD, oldPool.getJdbcUrl());
        this.live = LiveDocument.read(common, old, fileConfig, configFile);
        this.control = MigrationControl.start(live.config(), live.source());
    }

    /** Reads the file and connects to the old database (the new one is connected when first needed). */
    static ToolContext open(Common common) {
        Path file = common.config.toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            throw CliException.error("config file " + file + " not found; give --config with the migration YAML"
                    + " (it needs a datasources section), or set DUALWRITE_CONFIG");
        }
        MigrationConfig config;
        try {
            config = MigrationConfig.parse(Files.readString(file, StandardCharsets.UTF_8), MigrationConfig.Format.of(file));
        } catch (IOException e) {
            throw CliException.error("config file " + file + " cannot be read: " + e.getMessage(), e);
        } catch (InvalidConfigException e) {
            throw CliException.error(file + ": " + e.getMessage(), e);
        }
        MigrationConfig.DataSources ds = config.datasources();
        if (ds == null) {
            throw CliException.error(file + " has no datasources section; the tools need one:\n"
                    + "datasources:\n  old: { url: jdbc:mariadb://127.0.0.1:3306/points, username: root, password: '' }\n"
                    + "  new: { sharding-yaml: new-database.yaml }");
        }
        Path yaml = file.getParent().resolve(ds.shardingYaml()).normalize();
        if (!Files.isRegularFile(yaml)) {
            throw CliException.error("NEW side: sharding YAML " + yaml + " not found (datasources.new.sharding-yaml: "
                    + ds.shardingYaml() + " in " + file + ", relative to that file); fix the path or create the file");
        }
        // both files are code (JDBC URLs, INLINE expressions): refuse URLs that run scripts before connecting
        UrlGuard.check(ds.old().url(), file + " (datasources.old.url)");
        try {
            UrlGuard.check(Files.readString(yaml, StandardCharsets.UTF_8), yaml.toString());
        } catch (IOException e) {
            throw CliException.error("NEW side: sharding YAML " + yaml + " cannot be read: " + e.getMessage(), e);
        }
        HikariDataSource oldPool = connect("dualwrite-old", Side.OLD, "datasources.old", file, ds.old().url(),
                ds.old().username(), ds.old().password(), ds.old().poolSize());
        try {
            return new ToolContext(common, file, config, yaml, oldPool);
        } catch (RuntimeException e) {
            oldPool.close();
            throw e;
        }
    }

    /** A pool that has connected once, or an error naming the side, the settings and the fix. */
    private static HikariDataSource connect(String name, Side side, String settings, Path file, String url,
                                           String username, String password, int size) {
        String user = env(username, settings + ".username", file);
        String secret = env(password, settings + ".password", file);
        String jdbcUrl = env(url, settings + ".url", file);
        // a driver that cannot parse a URL may echo parts of it: mask these values in whatever is printed
        io.github.dualwrite.config.Secrets.remember(secret);
        io.github.dualwrite.config.Secrets.rememberIn(jdbcUrl);
        HikariConfig c = new HikariConfig();
        c.setPoolName(name);
        c.setJdbcUrl(jdbcUrl);
        c.setUsername(user);
        c.setPassword(secret);
        c.setMaximumPoolSize(size);
        c.setMinimumIdle(1);
        c.setInitializationFailTimeout(1);
        c.setConnectionTimeout(10_000);
        try {
            return new HikariDataSource(c);
        } catch (RuntimeException e) {
            throw CliException.error(side + " side (" + io.github.dualwrite.config.Secrets.mask(c.getJdbcUrl()) + "): cannot connect as user '" + user + "': "
                    + Failures.rootMessage(e) + "; " + Failures.connectFix(e, settings + " url, username and password in "
                    + file), e);
        }
    }

    /** Replaces {@code ${NAME}} with the environment variable NAME; an unset one is an error naming it. */
    static String env(String value, String setting, Path file) {
        if (value == null) {
            return null;
        }
        Matcher m = VARIABLE.matcher(value);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = System.getenv(m.group(1));
            if (v == null) {
                throw CliException.error(setting + " in " + file + " is " + value + " but the environment variable "
                        + m.group(1) + " is not set; export " + m.group(1) + "=... before running dualwrite");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** The live document in force for this command. */
    MigrationConfig config() {
        return control.current().config();
    }

    LiveDocument live() {
        return live;
    }

    MigrationControl control() {
        return control;
    }

    /** The old database (failures name the OLD side). */
    DataSource oldSide() {
        return old;
    }

    /** The old database's pool, unlabelled: for JdbcConfigSource, which reports its own errors. */
    DataSource oldPool() {
        return oldPool;
    }

    /** The new ShardingSphere database, started on first use. */
    DataSource newSide() {
        if (newSide == null) {
            DataSource ds;
            try {
                ds = YamlShardingSphereDataSourceFactory.createDataSource(shardingYamlFile.toFile());
            } catch (Exception e) {
                shards(); // ShardingSphere can lose the driver's reason (a refused login): connecting to each shard names it
                throw CliException.error("NEW side (" + shardingYamlFile + "): cannot start the ShardingSphere database: "
                        + Failures.rootMessage(e) + "; " + Failures.connectFix(e, "the dataSources in " + shardingYamlFile), e);
            }
            newSide = new SideDataSource(ds, Side.NEW, shardingYamlFile.getFileName().toString());
            opened.add(newSide);
        }
        return newSide;
    }

    /** The ShardingSphere YAML's text. */
    String shardingYaml() {
        try {
            return Files.readString(shardingYamlFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw CliException.error("NEW side: cannot read " + shardingYamlFile + ": " + e.getMessage(), e);
        }
    }

    /** Pools on the new side's physical databases, from the ShardingSphere YAML, for checks that need them. */
    Map<String, DataSource> shards() {
        if (shards.isEmpty()) {
            ShardSources.fromYaml(shardingYaml()).forEach((name, props) -> {
                HikariDataSource pool = connect("dualwrite-shard-" + name, Side.NEW, "dataSources." + name,
                        shardingYamlFile, props.get("url"), props.get("username"), props.get("password"), 2);
                opened.add(pool);
                shards.put(name, new SideDataSource(pool, Side.NEW, name));
            });
        }
        return new LinkedHashMap<>(shards);
    }

    /** The journal: the table on the old database, a file beside the config when the table fails. */
    FallbackJournal journal() {
        if (journal == null) {
            journal = new FallbackJournal(new JdbcJournal(old), new FileJournal(
                    configFile.getParent().resolve("dualwrite-journal").resolve("journal.jsonl")));
        }
        return journal;
    }

    RowSync rowSync() {
        if (rowSync == null) {
            rowSync = new RowSync(old, newSide(), control, journal());
        }
        return rowSync;
    }

    /**
     * Checkpoints on their own small pool: a job's threads each hold an old connection while they save, and
     * with {@code --threads} equal to the old pool's size a save from the same pool would wait forever.
     */
    Checkpoints checkpoints() {
        if (checkpoints == null) {
            MigrationConfig.DataSources.DatabaseConfig db = fileConfig.datasources().old();
            HikariDataSource pool = connect("dualwrite-checkpoints", Side.OLD, "datasources.old", configFile, db.url(),
                    db.username(), db.password(), 2);
            opened.add(pool);
            checkpoints = new Checkpoints(new SideDataSource(pool, Side.OLD, pool.getJdbcUrl()));
        }
        return checkpoints;
    }

    /** Fails with the units there are when {@code unit} is not one of them. */
    void requireUnit(String unit) {
        if (config().unit(unit).isEmpty()) {
            throw CliException.error("no unit '" + unit + "' in the live document (" + live.describe()
                    .substring("live document: ".length()) + "); units: " + config().units().keySet());
        }
    }

    @Override
    public void close() {
        if (journal != null) {
            journal.close();
        }
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                // closing at exit: nothing left to do with it
            }
        }
        oldPool.close();
    }
}
