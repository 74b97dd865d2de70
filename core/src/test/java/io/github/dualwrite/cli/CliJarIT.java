package io.github.dualwrite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dualwrite.testing.DbPair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The command-line jar built by {@code package}, run as an operator runs it ({@code java -jar}, its own JVM):
 * none of the libraries excluded for known CVEs or for size (SQL parsers of databases it has no driver for,
 * Calcite's unused adapters), and still able to back up and verify a real MariaDB pair through ShardingSphere.
 * H2 stays: ShardingSphere's standalone metadata repository needs it (see {@code UrlGuard}).
 */
class CliJarIT extends CliFixture {

    private static final Path JAR = Path.of("target", "dualwrite-cli.jar");

    @Override
    DbPair newPair() {
        return DbPair.mariaDb("clijar");
    }

    @Test
    void theCliJarLeavesOutWhatItCannotUse() throws Exception {
        assertThat(JAR).as("built by the package phase before the integration tests").exists();
        try (JarFile file = new JarFile(JAR.toFile())) {
            List<String> names = file.stream().map(e -> e.getName()).collect(Collectors.toList());
            assertThat(names).contains("io/github/dualwrite/cli/Main.class", "org/mariadb/jdbc/Driver.class",
                    "org/apache/shardingsphere/sql/parser/mysql/parser/MySQLParser.class");
            assertThat(names).noneMatch(n -> n.startsWith("org/apache/commons/lang/"));
            assertThat(names).noneMatch(n -> n.startsWith("org/apache/shardingsphere/sql/parser/oracle/")
                    || n.startsWith("org/apache/shardingsphere/sql/parser/postgresql/")
                    || n.startsWith("org/locationtech/proj4j/") || n.startsWith("org/apache/commons/dbcp2/"));
        }
    }

    @Test
    void theJarBacksUpAndVerifiesThroughShardingSphere() throws Exception {
        seedOld(5);
        assertThat(java("backfill", "--unit", "points").code()).isZero();
        Run verify = java("verify", "--unit", "points");
        assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.out()).contains("missing=0").contains("different=0");
        Run status = java("status");
        assertThat(status.code()).as(status.out() + status.err()).isZero();
        assertThat(status.out()).contains("points");
    }

    /** Runs the jar in its own JVM with the fixture's config. */
    private Run java(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--config", config.toString()));
        Path out = dir.resolve("jar-out.txt");
        Path err = dir.resolve("jar-err.txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("the CLI jar did not finish: " + String.join(" ", command));
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
