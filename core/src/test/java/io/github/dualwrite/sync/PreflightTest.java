package io.github.dualwrite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dualwrite.config.Stage;
import io.github.dualwrite.config.UnitConfig;
import io.github.dualwrite.testing.DbPair;
import org.junit.jupiter.api.Test;

/** Preflight on H2 (the id-sequence check needs MySQL/MariaDB and says so). */
class PreflightTest extends PreflightContract {

    @Override
    DbPair newPair() {
        return DbPair.h2("preflight");
    }

    @Test
    void theSequenceCheckIsSkippedOnH2WithTheReason() {
        Preflight.Report report = preflight(config(UnitConfig.builder("points").tables("points_detail")
                .stage(Stage.OLD_ONLY).build())).shards(shards(pair)).build().run(null);
        assertThat(report.checks()).filteredOn(c -> c.name().equals("id sequence")).singleElement()
                .satisfies(c -> {
                    assertThat(c.status()).isEqualTo(Preflight.Report.Status.SKIPPED);
                    assertThat(c.message()).contains("MySQL/MariaDB");
                });
    }
}
