package io.github.dualwrite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dualwrite.config.Stage;
import io.github.dualwrite.config.UnitConfig;
import io.github.dualwrite.testing.DbPair;
import org.junit.jupiter.api.Test;

/** Preflight on MariaDB, with the id-sequence check ("raise the sequence", seed 004). */
class PreflightIT extends PreflightContract {

    @Override
    DbPair newPair() {
        return DbPair.mariaDb("preflight");
    }

    @Test
    void theNewSidesSequenceMustStartAboveTheOldMaxPlusTheMargin() {
        pair.updateOld("INSERT INTO coupon (id, user_id, code) VALUES (5000, 1, 'a')");
        Preflight.Builder preflight = preflight(config(UnitConfig.builder("coupon").tables("coupon")
                .stage(Stage.OLD_ONLY).build())).shards(shards(pair)).idMargin(1000);
        assertThat(preflight.build().run(null).checks()).filteredOn(c -> c.name().equals("id sequence")).singleElement()
                .satisfies(c -> {
                    assertThat(c.status()).as(c.message()).isEqualTo(Preflight.Report.Status.WARN);
                    assertThat(c.message()).contains("id-source OLD").contains("before NEW_PRIMARY set id-source: SEQUENCE");
                });
        for (int i = 0; i < 4; i++) {
            DbPair.update(pair.shard(0), "ALTER TABLE coupon_" + i + " MODIFY id BIGINT NOT NULL AUTO_INCREMENT");
            DbPair.update(pair.shard(1), "ALTER TABLE coupon_" + i + " MODIFY id BIGINT NOT NULL AUTO_INCREMENT");
        }
        Preflight.Report low = preflight.build().run(null);
        assertThat(low.failures()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("id sequence");
            assertThat(c.message()).contains("raise it: ALTER TABLE <shard table> AUTO_INCREMENT = 6001");
        });
        for (int i = 0; i < 4; i++) {
            DbPair.update(pair.shard(0), "ALTER TABLE coupon_" + i + " AUTO_INCREMENT = 7000");
            DbPair.update(pair.shard(1), "ALTER TABLE coupon_" + i + " AUTO_INCREMENT = 7000");
        }
        assertThat(preflight.build().run(null).passed()).isTrue();
    }
}
