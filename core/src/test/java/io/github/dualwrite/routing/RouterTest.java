package io.github.dualwrite.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.config.RoutingKey;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.config.UnitConfig;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RouterTest {

    private static Router router(Stage base, UnitConfig.Gray gray, double sampleRate) {
        UnitConfig unit = UnitConfig.builder("points").tables("points_account", "points_detail")
                .stage(base).gray(gray).shadowReadSampleRate(sampleRate).build();
        return new Router(MigrationControl.start(MigrationConfig.builder().unit(unit).build(), "test"));
    }

    private static Router router(int ratio) {
        return router(Stage.DUAL_WRITE, new UnitConfig.Gray(Stage.READ_NEW, ratio, null, null), 0);
    }

    @Test
    void grayUsersAreInTheGrayStageOthersInTheBaseStage() {
        Router r = router(100);
        Router.Route gray = r.route("points", 10_042L);
        assertThat(gray.gray()).isTrue();
        assertThat(gray.stage()).isEqualTo(Stage.READ_NEW);
        assertThat(gray.authority()).isEqualTo(Side.OLD);
        assertThat(gray.secondary()).isEqualTo(Side.NEW);
        assertThat(gray.readSide()).isEqualTo(Side.NEW);
        Router.Route base = r.route("points", 10_100L);
        assertThat(base.gray()).isFalse();
        assertThat(base.stage()).isEqualTo(Stage.DUAL_WRITE);
        assertThat(base.readSide()).isEqualTo(Side.OLD);
        assertThat(base.configVersion()).isEqualTo(1);
    }

    @Test
    void whitelistBeatsBlacklistBeatsRatio() {
        UnitConfig.Gray gray = new UnitConfig.Gray(Stage.READ_NEW, 100, null, null)
                .withWhitelist(List.of(5_000L, 7L, "vip"))
                .withBlacklist(List.of(7L, 42L, "vip", "bad"));
        Router r = router(Stage.DUAL_WRITE, gray, 0);
        assertThat(r.explain("points", 5_000L).rule()).isEqualTo(Router.GrayRule.WHITELIST);
        assertThat(r.route("points", 5_000L).gray()).isTrue();          // bucket 5000 is outside 1%, whitelisted
        assertThat(r.explain("points", 7L).rule()).isEqualTo(Router.GrayRule.WHITELIST);
        assertThat(r.route("points", 7L).gray()).isTrue();              // on both lists: whitelist wins
        assertThat(r.route("points", "vip").gray()).isTrue();
        assertThat(r.explain("points", 42L).rule()).isEqualTo(Router.GrayRule.BLACKLIST);
        assertThat(r.route("points", 42L).gray()).isFalse();            // bucket 42 is inside 1%, blacklisted
        assertThat(r.route("points", "bad").gray()).isFalse();
        assertThat(r.explain("points", 43L).rule()).isEqualTo(Router.GrayRule.RATIO_IN);
        assertThat(r.explain("points", 100L).rule()).isEqualTo(Router.GrayRule.RATIO_OUT);
    }

    @Test
    void theSameUserAlwaysLandsInTheSameBucketWhateverTheJavaType() {
        Router r = router(5_000);
        Object[] sameUser = {1_234_567L, 1_234_567, "1234567", new BigDecimal("1234567"), new BigInteger("1234567"),
            RoutingKey.of(1_234_567L)};
        for (Object key : sameUser) {
            assertThat(r.explain("points", key).bucket()).as(key.getClass().getSimpleName()).isEqualTo(4_567);
            assertThat(r.route("points", key).gray()).isTrue();
        }
        for (int i = 0; i < 1_000; i++) {
            assertThat(r.route("points", 987_654_321L).gray()).isEqualTo(r.route("points", 987_654_321L).gray());
        }
        assertThat(RoutingKey.bucket(-1)).isEqualTo(9_999);
        assertThat(RoutingKey.bucket(Long.MIN_VALUE)).isEqualTo((int) Math.floorMod(Long.MIN_VALUE, 10_000L));
    }

    @Test
    void ratio100OverAMillionConsecutiveIdsIsExactlyOnePercent() {
        Router r = router(100);
        int gray = 0;
        for (long id = 1; id <= 1_000_000; id++) {
            if (r.route("points", id).gray()) {
                gray++;
            }
        }
        assertThat(gray).isEqualTo(10_000);
    }

    @Test
    void ratio100OverRandomIdsIsOnePercentWithin5BasisPoints() {
        Router r = router(100);
        SplittableRandom random = new SplittableRandom(20_261_121L);
        int n = 2_000_000;
        int gray = 0;
        for (int i = 0; i < n; i++) {
            if (r.route("points", random.nextLong(1, Long.MAX_VALUE)).gray()) {
                gray++;
            }
        }
        assertThat(gray / (double) n).isBetween(0.0095, 0.0105);
    }

    @Test
    void stringIdsHashStablyWithCrc32() {
        // the same values MySQL/MariaDB give for SELECT CRC32(x) % 10000 (checked in RoutingKeyMariaDbIT)
        assertThat(RoutingKey.of("abc").bucket()).isEqualTo(8_578);
        assertThat(RoutingKey.of("user-42").bucket()).isEqualTo(2_435);
        assertThat(RoutingKey.of("张三").bucket()).isEqualTo(9_146);
        assertThat(RoutingKey.of("U0001").bucket()).isEqualTo(9_182);
        assertThat(RoutingKey.of("042").isIntegral()).isFalse();
        assertThat(RoutingKey.of("-42").isIntegral()).isTrue();
    }

    @Test
    void stringIdsSpreadEvenly() {
        Router r = router(1_000);
        int gray = 0;
        for (int i = 0; i < 200_000; i++) {
            if (r.route("points", "user-" + i).gray()) {
                gray++;
            }
        }
        assertThat(gray / 200_000.0).isBetween(0.095, 0.105);
    }

    @Test
    void badKeysAndUnknownUnitsAreRefusedWithTheReason() {
        Router r = router(100);
        assertThatThrownBy(() -> r.route("points", 1.5d)).hasMessageContaining("floating-point");
        assertThatThrownBy(() -> r.route("points", new BigDecimal("1.5"))).hasMessageContaining("has a fraction");
        assertThatThrownBy(() -> r.route("points", (Object) null)).hasMessageContaining("null");
        assertThatThrownBy(() -> r.route("orders", 1L))
                .hasMessage("no migration unit 'orders' in config v1; units: [points]");
    }

    @Test
    void shadowReadsAreSampledOnlyInStagesThatWriteBoth() {
        Router always = router(Stage.DUAL_WRITE, UnitConfig.Gray.none(Stage.DUAL_WRITE), 1.0);
        Router.Route r = always.route("points", 1L);
        assertThat(r.shadowSampled()).isTrue();
        assertThat(r.shadowSide()).isEqualTo(Side.NEW);
        Router never = router(Stage.DUAL_WRITE, UnitConfig.Gray.none(Stage.DUAL_WRITE), 0.0);
        assertThat(never.route("points", 1L).shadowSampled()).isFalse();
        Router oldOnly = router(Stage.OLD_ONLY, UnitConfig.Gray.none(Stage.OLD_ONLY), 1.0);
        assertThat(oldOnly.route("points", 1L).shadowSampled()).isFalse();
        Router half = router(Stage.READ_NEW, UnitConfig.Gray.none(Stage.READ_NEW), 0.25);
        int sampled = 0;
        for (int i = 0; i < 40_000; i++) {
            if (half.route("points", (long) i).shadowSampled()) {
                sampled++;
            }
        }
        assertThat(sampled / 40_000.0).isBetween(0.23, 0.27);
        assertThat(half.explain("points", 1L).route().shadowSampled()).isFalse();
    }

    @Test
    void explainGivesTheDecisionWithItsReasons() {
        Router r = router(100);
        Router.Explain e = r.explain("points", 10_042L);
        assertThat(e.bucket()).isEqualTo(42);
        assertThat(e.rule()).isEqualTo(Router.GrayRule.RATIO_IN);
        assertThat(e.configVersion()).isEqualTo(1);
        assertThat(e.toString()).isEqualTo("unit points, key 10042 (bucket 42): bucket 42 < ratio 100 (1.00%), so"
                + " gray -> READ_NEW; points: READ_NEW (gray), writes old -> new, reads new, config v1");
        assertThat(r.explain("points", 10_100L).toString()).contains("bucket 100 >= ratio 100",
                "not gray -> base stage DUAL_WRITE", "reads old");
        Router none = router(Stage.DUAL_WRITE, UnitConfig.Gray.none(Stage.DUAL_WRITE), 0);
        assertThat(none.explain("points", 1L).rule()).isEqualTo(Router.GrayRule.NO_GRAY);
    }

    @Test
    void theRouterFollowsEveryAcceptedDocument() {
        UnitConfig unit = UnitConfig.builder("points").tables("t").stage(Stage.DUAL_WRITE)
                .gray(Stage.READ_NEW, 0).build();
        MigrationControl control = MigrationControl.start(MigrationConfig.builder().unit(unit).build(), "test");
        Router r = new Router(control);
        assertThat(r.route("points", 5L).stage()).isEqualTo(Stage.DUAL_WRITE);
        RoutingTable pinned = r.table();
        control.apply(MigrationConfig.builder().unit(unit.withGray(unit.gray().withRatio(10))).build(), "test")
                .orThrow();
        assertThat(r.route("points", 5L).stage()).isEqualTo(Stage.READ_NEW);
        assertThat(r.route("points", 5L).configVersion()).isEqualTo(2);
        assertThat(pinned.route("points", 5L).stage()).as("a pinned table keeps its decision").isEqualTo(Stage.DUAL_WRITE);
    }

    @Test
    void theFastPathAgreesWithTheDocumentsDefinitionOfGray() {
        UnitConfig.Gray gray = new UnitConfig.Gray(Stage.READ_NEW, 2_500, null, null)
                .withWhitelist(List.of(3L, 99_999L, "a")).withBlacklist(List.of(4L, 5_000L, "b"));
        Router r = router(Stage.DUAL_WRITE, gray, 0);
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            long id = i < 20_000 ? i : random.nextLong();
            assertThat(r.route("points", id).gray()).isEqualTo(gray.includes(RoutingKey.of(id)));
        }
        for (String s : List.of("a", "b", "c", "user-1", "user-2")) {
            assertThat(r.route("points", s).gray()).isEqualTo(gray.includes(RoutingKey.of(s)));
        }
    }
}
