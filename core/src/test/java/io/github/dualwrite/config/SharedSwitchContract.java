package io.github.dualwrite.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.dualwrite.testing.MutableClock;
import io.github.dualwrite.testing.Poll;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The switch shared through a {@link JdbcConfigSource} table by two instances: on H2 ({@code SharedSwitchTest})
 * and MariaDB ({@code SharedSwitchIT}).
 */
abstract class SharedSwitchContract {

    private static final String DOC = JdbcConfigSourceTest.DOC;

    /** An empty database in MySQL dialect. */
    abstract DataSource database();

    @Test
    void twoInstancesShareOneSwitch() {
        DataSource ds = database();
        MutableClock clock = new MutableClock(Instant.parse("2026-11-21T08:00:00Z"));
        MigrationControl a = MigrationControl.empty(clock);
        MigrationControl b = MigrationControl.empty(clock);
        try (JdbcConfigSource sa = JdbcConfigSource.builder(ds, a).name("points-app").clock(clock)
                     .pollInterval(Duration.ofMillis(50)).build();
             JdbcConfigSource sb = JdbcConfigSource.builder(ds, b).name("points-app").clock(clock)
                     .pollInterval(Duration.ofHours(1)).build()) {
            assertThat(a.current().version()).as("no row yet").isZero();
            assertThat(sa.publish(DOC, MigrationConfig.Format.YAML, "alice")).isEqualTo(1);
            Poll.until(Duration.ofSeconds(20), () -> a.current().version() == 1);
            assertThat(a.current().source()).isEqualTo("jdbc:dualwrite_config/points-app@v1");

            assertThat(sb.checkNow()).isNotNull();
            assertThat(b.current().config()).isEqualTo(a.current().config());
            assertThat(sb.checkNow()).as("same row version: nothing to do").isNull();

            assertThat(sb.publish(DOC.replace("OLD_ONLY", "DUAL_WRITE"), MigrationConfig.Format.YAML, "bob")).isEqualTo(2);
            Poll.until(Duration.ofSeconds(20), () -> a.current().config().unit("points").orElseThrow().stage()
                    == Stage.DUAL_WRITE);

            // an illegal move is checked once, when published, against the stored version: never stored
            assertThatThrownBy(() -> sb.publish(DOC.replace("OLD_ONLY", "NEW_ONLY"), MigrationConfig.Format.YAML, "mallory"))
                    .isInstanceOf(InvalidConfigException.class).hasMessageContaining("DUAL_WRITE -> NEW_ONLY");
            // an invalid document neither
            assertThatThrownBy(() -> sb.publish("units: {points: {stage: LATER}}", MigrationConfig.Format.YAML, "eve"))
                    .isInstanceOf(InvalidConfigException.class);

            // a gate of the publishing instance holds a move back at publish time...
            MigrationControl.Gate journalSaysNo = (before, next) -> next.unit("points").orElseThrow().stage() == Stage.READ_NEW
                    ? java.util.List.of(new ConfigProblem("units.points", "the journal holds entries")) : java.util.List.of();
            b.addGate(journalSaysNo);
            assertThatThrownBy(() -> sb.publish(DOC.replace("OLD_ONLY", "READ_NEW"), MigrationConfig.Format.YAML, "bob"))
                    .hasMessageContaining("the journal holds entries");
            b.removeGate(journalSaysNo);
            // ...and an instance whose own look would hold it takes a published version all the same: no instance
            // stays behind the others
            a.addGate(journalSaysNo);
            assertThat(sb.publish(DOC.replace("OLD_ONLY", "READ_NEW"), MigrationConfig.Format.YAML, "bob")).isEqualTo(3);
            Poll.until(Duration.ofSeconds(20), () -> a.current().config().unit("points").orElseThrow().stage()
                    == Stage.READ_NEW);
            assertThat(a.rejectedCount()).isZero();
        }
    }
}
