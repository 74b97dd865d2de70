package io.github.dualwrite.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dualwrite.testing.Poll;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileConfigSourceTest {

    private static final String V1 = """
            units:
              points:
                routing-column: user_id
                tables: [points_account, points_detail]
                stage: OLD_ONLY
            """;

    @TempDir
    Path dir;

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static Stage stage(MigrationControl control) {
        return control.current().config().unit("points").map(UnitConfig::stage).orElse(null);
    }

    @Test
    void appliesTheFileAtStartAndEveryValidChangeAfter() throws IOException {
        Path file = dir.resolve("dualwrite.yaml");
        write(file, V1);
        MigrationControl control = MigrationControl.empty(java.time.Clock.systemUTC());
        try (FileConfigSource source = FileConfigSource.builder(file, control).debounce(Duration.ofMillis(50))
                .pollInterval(Duration.ofMillis(100)).build()) {
            assertThat(control.current().version()).isEqualTo(1);
            assertThat(control.current().source()).isEqualTo("file:" + file.toAbsolutePath().normalize());
            write(file, V1.replace("OLD_ONLY", "DUAL_WRITE"));
            Poll.until(Duration.ofSeconds(20), () -> stage(control) == Stage.DUAL_WRITE);
            assertThat(control.current().version()).isEqualTo(2);
        }
    }

    @Test
    void aHalfWrittenFileIsRejectedAndTheNextValidWriteIsTaken() throws IOException {
        Path file = dir.resolve("dualwrite.yaml");
        write(file, V1);
        MigrationControl control = MigrationControl.empty(java.time.Clock.systemUTC());
        try (FileConfigSource source = FileConfigSource.builder(file, control).debounce(Duration.ofMillis(50))
                .pollInterval(Duration.ofMillis(100)).build()) {
            String next = V1.replace("OLD_ONLY", "DUAL_WRITE");
            write(file, next.substring(0, next.indexOf("tables:") + 12)); // cut in the middle of a list
            Poll.until(Duration.ofSeconds(20), () -> control.rejectedCount() >= 1);
            assertThat(stage(control)).isEqualTo(Stage.OLD_ONLY);
            assertThat(control.current().version()).isEqualTo(1);

            write(file, next.replace("tables:", "tabels:")); // a typo is rejected too
            Poll.until(Duration.ofSeconds(20), () -> control.rejectedCount() >= 2);
            assertThat(stage(control)).isEqualTo(Stage.OLD_ONLY);

            Path tmp = dir.resolve("dualwrite.yaml.tmp");
            write(tmp, next);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Poll.until(Duration.ofSeconds(20), () -> stage(control) == Stage.DUAL_WRITE);
            assertThat(control.current().version()).isEqualTo(2);
        }
    }

    @Test
    void pollingAloneNoticesChangesWhenThereIsNoWatchService() throws IOException {
        Path file = dir.resolve("dualwrite.properties");
        write(file, "units.points.routing-column=user_id\nunits.points.tables=points_detail\nunits.points.stage=OLD_ONLY\n");
        MigrationControl control = MigrationControl.empty(java.time.Clock.systemUTC());
        try (FileConfigSource source = FileConfigSource.builder(file, control).useWatchService(false)
                .debounce(Duration.ofMillis(20)).pollInterval(Duration.ofMillis(50)).build()) {
            assertThat(stage(control)).isEqualTo(Stage.OLD_ONLY);
            write(file, "units.points.routing-column=user_id\nunits.points.tables=points_detail\n"
                    + "units.points.stage=DUAL_WRITE\n# a longer file, so the size changes too\n");
            Poll.until(Duration.ofSeconds(20), () -> stage(control) == Stage.DUAL_WRITE);
        }
    }

    @Test
    void checkNowSkipsUnchangedContentAndSurvivesAMissingFile() throws IOException {
        Path file = dir.resolve("dualwrite.yaml");
        MigrationControl control = MigrationControl.empty(java.time.Clock.systemUTC());
        try (FileConfigSource source = FileConfigSource.builder(file, control).useWatchService(false)
                .pollInterval(Duration.ofHours(1)).build()) {
            assertThat(control.current().version()).isZero();
            write(file, V1);
            assertThat(source.checkNow()).isNotNull();
            assertThat(source.checkNow()).as("same content").isNull();
            Files.delete(file);
            assertThat(source.checkNow()).isNull();
            assertThat(control.current().version()).isEqualTo(1);
        }
    }
}
