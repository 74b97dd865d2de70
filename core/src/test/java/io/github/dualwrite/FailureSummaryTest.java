package io.github.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dualwrite.config.Side;
import io.github.dualwrite.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailureSummaryTest {

    @Test
    void theFirstFailureIsLoggedAtOnceThenOneSummaryPerPeriodPerUnitAndSide() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-30T08:00:00Z"));
        List<String> lines = new ArrayList<>();
        FailureSummary summary = new FailureSummary(clock, Duration.ofSeconds(10), lines::add);
        summary.failed("points", Side.NEW, "java.sql.SQLException: boom");
        assertThat(lines).singleElement().asString()
                .isEqualTo("dualwrite: 1 secondary write(s) of unit points did not apply on NEW and were journaled for"
                        + " repair; first: java.sql.SQLException: boom");
        for (int i = 0; i < 1_500; i++) {
            clock.advance(Duration.ofMillis(10));
            summary.failed("points", Side.NEW, "timeout " + i);
        }
        summary.failed("points", Side.OLD, "other side");
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).as("one summary for the period, not a line per failure")
                .startsWith("dualwrite: 1000 secondary write(s) of unit points did not apply on NEW in the last 10 s")
                .endsWith("first: timeout 0");
        assertThat(lines.get(2)).contains("on OLD").contains("other side");
    }
}
