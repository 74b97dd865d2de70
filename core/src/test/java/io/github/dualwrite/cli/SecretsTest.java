package io.github.dualwrite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dualwrite.config.ConfigProblem;
import io.github.dualwrite.config.InvalidConfigException;
import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.config.Secrets;
import io.github.dualwrite.testing.DbPair;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No password in any output (issue 14, item 3): config records, display forms, audit lines, problems, and a
 * whole command-line run with a known password, whose every output (stdout, stderr, logs) is searched for it.
 */
class SecretsTest {

    static final String KNOWN = "Kn0wnPa55-zq7";

    static String doc(String url, String username, String password) {
        return """
                units:
                  points:
                    routing-column: user_id
                    tables: [points_account, points_detail]
                    stage: OLD_ONLY
                datasources:
                  old: { url: "%s", username: %s, password: "%s" }
                  new: { sharding-yaml: new-database.yaml }
                """.formatted(url, username, password);
    }

    static final String URL_WITH_SECRETS = "jdbc:mariadb://root:" + KNOWN + "@127.0.0.1:1/x?user=root&password=" + KNOWN
            + "&sslMode=disable";

    @Test
    void urlsAndSettingsAreMasked() {
        assertThat(Secrets.mask("jdbc:mysql://u:" + KNOWN + "@h:3306/db")).isEqualTo("jdbc:mysql://u:****@h:3306/db");
        assertThat(Secrets.mask("jdbc:mariadb://h/db?user=u&password=" + KNOWN + "&a=b"))
                .isEqualTo("jdbc:mariadb://h/db?user=u&password=****&a=b");
        assertThat(Secrets.mask("jdbc:h2:mem:x;USER=sa;PASSWORD=" + KNOWN + ";MODE=MySQL"))
                .isEqualTo("jdbc:h2:mem:x;USER=sa;PASSWORD=****;MODE=MySQL");
        assertThat(Secrets.mask("jdbc:oracle:thin:scott/" + KNOWN + "@db:1521/x")).doesNotContain(KNOWN);
        assertThat(Secrets.mask("{password=" + KNOWN + ", sslPassword: '" + KNOWN + "', trustStorePassword=" + KNOWN + "}"))
                .doesNotContain(KNOWN);
        assertThat(Secrets.mask("password: ''")).isEqualTo("password: ''");
        assertThat(Secrets.mask("jdbc:mariadb://127.0.0.1:3306/points")).isEqualTo("jdbc:mariadb://127.0.0.1:3306/points");
    }

    @Test
    void everyConfigRecordAndDisplayFormMasksCredentials() {
        MigrationConfig config = MigrationConfig.fromYaml(doc(URL_WITH_SECRETS, "root", KNOWN));
        MigrationControl control = MigrationControl.start(MigrationConfig.fromYaml(doc("jdbc:h2:mem:a", "root", "")), "test");
        MigrationControl.ApplyResult result = control.apply(config, "jdbc:mariadb://root:" + KNOWN + "@h/x");
        List<String> shown = new ArrayList<>();
        shown.add(config.toString());
        shown.add(config.datasources().toString());
        shown.add(config.datasources().old().toString());
        shown.add(config.toDisplayYaml());
        shown.add(config.toDisplayProperties().toString());
        shown.add(result.toString());
        shown.add(control.current().toString());
        shown.addAll(result.changes());
        for (String s : shown) {
            assertThat(s).doesNotContain(KNOWN);
        }
        assertThat(config.toDisplayYaml()).contains("password: '****'").contains("root:****@127.0.0.1:1");
        assertThat(result.changes()).contains("datasources.old.password:  -> ****");
        // the storage forms keep the document as written: they read back equal
        assertThat(MigrationConfig.fromYaml(config.toYaml())).isEqualTo(config);
        assertThat(config.toYaml()).contains(KNOWN);
    }

    @Test
    void aBadUrlIsNotEchoedWithItsPassword() {
        try {
            MigrationConfig.fromYaml(doc("mariadb://root:" + KNOWN + "@127.0.0.1/x?password=" + KNOWN, "root", ""));
            throw new AssertionError("accepted");
        } catch (InvalidConfigException e) {
            assertThat(e.getMessage()).contains("is not a JDBC URL").doesNotContain(KNOWN);
            assertThat(e.problems()).extracting(ConfigProblem::toString).noneMatch(p -> p.contains(KNOWN));
        }
    }

    @Test
    void aCommandLineRunWithAKnownPasswordNeverPrintsIt(@TempDir Path dir) throws Exception {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream both = new PrintStream(captured, true, StandardCharsets.UTF_8);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<Integer> codes = new ArrayList<>();
        try (DbPair pair = DbPair.h2("secrets")) {
            pair.updateOld("CREATE USER app PASSWORD '" + KNOWN + "' ADMIN");
            Files.writeString(dir.resolve("new-database.yaml"), pair.shardingYaml("secrets_cli"));
            Path good = dir.resolve("good.yaml");
            Files.writeString(good, doc(pair.oldUrl(), "app", KNOWN));
            Path unreachable = dir.resolve("unreachable.yaml");
            Files.writeString(unreachable, doc(URL_WITH_SECRETS, "root", KNOWN));
            Path notJdbc = dir.resolve("not-jdbc.yaml");
            Files.writeString(notJdbc, doc("mariadb://root:" + KNOWN + "@127.0.0.1/x", "root", KNOWN));
            System.setOut(both);
            System.setErr(both);
            PrintWriter o = new PrintWriter(out);
            PrintWriter e = new PrintWriter(err);
            codes.add(Main.run(new String[] {"status", "--config", good.toString()}, o, e));
            codes.add(Main.run(new String[] {"status", "--config", unreachable.toString()}, o, e));
            codes.add(Main.run(new String[] {"status", "--config", notJdbc.toString()}, o, e));
            System.setProperty("dualwrite.trace", "true");
            try {
                codes.add(Main.run(new String[] {"status", "--config", unreachable.toString()}, o, e));
            } finally {
                System.clearProperty("dualwrite.trace");
            }
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
        String all = out + "\n" + err + "\n" + captured.toString(StandardCharsets.UTF_8);
        assertThat(codes).as(all).containsExactly(0, Main.ERROR, Main.ERROR, Main.ERROR);
        assertThat(out.toString()).contains("unit points").contains(", size 0");
        assertThat(err.toString()).contains("****").contains("not a JDBC URL");
        assertThat(all).doesNotContain(KNOWN);
    }
}
