package io.github.dualwrite.cli;


import io.github.dualwrite.journal.JdbcJournal;
import io.github.dualwrite.testing.DbPair;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** A database pair, a config file for it and ways to run the command line in-process. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CliFixture {

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    DbPair pair;
    Path dir;
    Path config;

    abstract DbPair newPair();

    @BeforeAll
    void setUp(@TempDir Path tempDir) throws Exception {
        pair = newPair();
        dir = tempDir;
        Files.writeString(dir.resolve("new-database.yaml"), pair.shardingYaml("cli_" + INSTANCES.incrementAndGet()));
        config = dir.resolve("dualwrite.yaml");
        Files.writeString(config, """
                units:
                  points:
                    routing-column: user_id
                    tables:
                      points_account: { version-column: gmt_modified }
                      points_detail: { version-column: gmt_modified }
                    stage: DUAL_WRITE
                datasources:
                  old: { url: "%s", username: %s, password: "" }
                  new: { sharding-yaml: new-database.yaml }
                """.formatted(pair.oldUrl(), pair.username()), StandardCharsets.UTF_8);
    }

    @AfterAll
    void tearDown() {
        pair.close();
    }

    @BeforeEach
    void reset() {
        pair.truncateAll();
        for (String table : List.of("dualwrite_config", "dualwrite_config_history", JdbcJournal.DEFAULT_TABLE,
                "dualwrite_checkpoint")) {
            try {
                pair.updateOld("DELETE FROM " + table);
            } catch (RuntimeException e) {
                // not made yet
            }
        }
    }

    /** Exit code and output of one command. */
    record Run(int code, String out, String err) {
        String lastLine() {
            List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }
    }

    Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] full = new String[args.length + 2];
        System.arraycopy(args, 0, full, 0, args.length);
        full[args.length] = "--config";
        full[args.length + 1] = config.toString();
        int code = Main.run(full, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    void seedOld(int users) {
        for (int u = 1; u <= users; u++) {
            pair.updateOld("INSERT INTO points_account (id, user_id, balance) VALUES (?, ?, ?)", u, u, u * 10);
            for (int k = 0; k < 3; k++) {
                long id = (u - 1) * 3L + k + 1;
                pair.updateOld("INSERT INTO points_detail (id, user_id, amount) VALUES (?, ?, ?)", id, u, id);
            }
        }
    }

    /** Runs with exactly these arguments (no --config added). */
    Run runRaw(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    /** A config beside the shared one with {@code text} replacing parts of it. */
    Path variant(String name, String from, String to) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, Files.readString(config).replace(from, to), StandardCharsets.UTF_8);
        return file;
    }
}
