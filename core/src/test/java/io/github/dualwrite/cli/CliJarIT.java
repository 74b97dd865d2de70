package io.github.dualwrite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The command-line jar built by {@code package} (issue 14, items 4 and 8): none of the libraries excluded for known
 * CVEs. H2 stays: ShardingSphere's standalone metadata repository needs it (see {@code UrlGuard}).
 */
class CliJarIT {

    @Test
    void theCliJarBundlesNoCommonsLang2() throws Exception {
        Path jar = Path.of("target", "dualwrite-cli.jar");
        assertThat(jar).as("built by the package phase before the integration tests").exists();
        try (JarFile file = new JarFile(jar.toFile())) {
            List<String> names = file.stream().map(e -> e.getName()).collect(Collectors.toList());
            assertThat(names).contains("io/github/dualwrite/cli/Main.class", "org/mariadb/jdbc/Driver.class");
            assertThat(names).noneMatch(n -> n.startsWith("org/apache/commons/lang/"));
        }
        assertThat(Files.size(jar)).isPositive();
    }
}
