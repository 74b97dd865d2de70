package io.github.dualwrite.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.dualwrite.routing.Router;
import io.github.dualwrite.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MigrationControlTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T08:00:00Z"));

    private static MigrationConfig doc(Stage stage, Stage grayStage, int ratio) {
        return MigrationConfig.builder().unit(UnitConfig.builder("points")
                .table(TableConfig.of("points_account").withIdSource(TableConfig.IdSource.APPLICATION))
                .table(TableConfig.of("points_detail").withIdSource(TableConfig.IdSource.APPLICATION))
                .stage(stage).gray(grayStage, ratio).build()).build();
    }

    private MigrationControl control(MigrationConfig initial) {
        MigrationControl c = MigrationControl.empty(clock);
        c.apply(initial, "test").orThrow();
        return c;
    }

    @Test
    void acceptsLegalChangesAndListsWhatChanged() {
        MigrationControl c = control(doc(Stage.OLD_ONLY, Stage.OLD_ONLY, 0));
        assertThat(c.current().version()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(1));
        MigrationControl.ApplyResult r = c.apply(doc(Stage.OLD_ONLY, Stage.DUAL_WRITE, 100), "ops");
        assertThat(r.outcome()).isEqualTo(MigrationControl.ApplyResult.Outcome.ACCEPTED);
        assertThat(r.current().version()).isEqualTo(2);
        assertThat(r.current().source()).isEqualTo("ops");
        assertThat(r.current().acceptedAt()).isEqualTo(Instant.parse("2026-11-21T08:01:00Z"));
        assertThat(r.changes()).containsExactly("units.points.gray.ratio: 0 -> 100",
                "units.points.gray.stage: OLD_ONLY -> DUAL_WRITE");
        assertThat(c.apply(doc(Stage.OLD_ONLY, Stage.DUAL_WRITE, 100), "ops").outcome())
                .isEqualTo(MigrationControl.ApplyResult.Outcome.UNCHANGED);
        assertThat(c.current().version()).isEqualTo(2);
    }

    @Test
    void walksTheWholeMigrationOneLegalStepAtATime() {
        MigrationControl c = control(doc(Stage.OLD_ONLY, Stage.OLD_ONLY, 0));
        Stage[] path = Stage.values();
        for (int i = 1; i < path.length; i++) {
            Stage from = path[i - 1];
            Stage to = path[i];
            for (int ratio : new int[] {1, 100, 500, 1_000, 5_000, 10_000}) {
                c.apply(doc(from, to, ratio), "ramp").orThrow();
            }
            c.apply(doc(to, to, 0), "promote").orThrow();
        }
        assertThat(c.current().config().unit("points").orElseThrow().stage()).isEqualTo(Stage.NEW_ONLY);
        assertThat(c.rejectedCount()).isZero();
    }

    @Test
    void rejectsSkippedStagesAndKeepsTheLastGoodDocument() {
        MigrationControl c = control(doc(Stage.OLD_ONLY, Stage.OLD_ONLY, 0));
        MigrationControl.ApplyResult r = c.apply(doc(Stage.READ_NEW, Stage.READ_NEW, 0), "ops");
        assertThat(r.outcome()).isEqualTo(MigrationControl.ApplyResult.Outcome.REJECTED);
        assertThat(r.problems()).singleElement().asString().startsWith(
                "units.points: OLD_ONLY -> READ_NEW skips DUAL_WRITE: move forward one stage at a time")
                .contains("users in buckets 0..9999").endsWith("set force: true to apply anyway");
        assertThat(c.current().version()).isEqualTo(1);
        assertThat(c.rejectedCount()).isEqualTo(1);
        assertThatThrownBy(r::orThrow).isInstanceOf(InvalidConfigException.class);
    }

    @Test
    void checksTheMoveOfEveryGroupOfUsersNotJustTheBaseStage() {
        // base NEW_PRIMARY, 10% already NEW_ONLY: lowering the ratio would move users back out of NEW_ONLY
        MigrationControl c = control(doc(Stage.NEW_PRIMARY, Stage.NEW_ONLY, 1_000));
        MigrationControl.ApplyResult r = c.apply(doc(Stage.NEW_PRIMARY, Stage.NEW_ONLY, 400), "ops");
        assertThat(r.outcome()).isEqualTo(MigrationControl.ApplyResult.Outcome.REJECTED);
        assertThat(r.problems()).singleElement().asString()
                .contains("NEW_ONLY -> NEW_PRIMARY leaves NEW_ONLY").contains("users in buckets 400..999");
        // raising it is a forward step for users 1000..1999
        assertThat(c.apply(doc(Stage.NEW_PRIMARY, Stage.NEW_ONLY, 2_000), "ops").outcome())
                .isEqualTo(MigrationControl.ApplyResult.Outcome.ACCEPTED);
        // a whitelisted user dropped from the list moves back too
        MigrationConfig listed = c.current().config().withUnit(c.current().config().unit("points").orElseThrow()
                .withGray(new UnitConfig.Gray(Stage.NEW_ONLY, 2_000, null, null).withWhitelist(List.of(77_777L))));
        c.apply(listed, "ops").orThrow();
        MigrationControl.ApplyResult dropped = c.apply(doc(Stage.NEW_PRIMARY, Stage.NEW_ONLY, 2_000), "ops");
        assertThat(dropped.problems()).singleElement().asString().contains("user 77777");
    }

    @Test
    void forceLetsAnIllegalMoveThroughAndSaysSo() {
        MigrationControl c = control(doc(Stage.NEW_ONLY, Stage.NEW_ONLY, 0));
        MigrationControl.ApplyResult r = c.apply(doc(Stage.NEW_PRIMARY, Stage.NEW_PRIMARY, 0).withForce(true), "ops after reverse sync");
        assertThat(r.outcome()).isEqualTo(MigrationControl.ApplyResult.Outcome.ACCEPTED);
        assertThat(r.forced()).singleElement().asString().contains("NEW_ONLY -> NEW_PRIMARY");
    }

    @Test
    void removingAUnitIsOnlyAllowedFromOldOnly() {
        MigrationControl c = control(doc(Stage.DUAL_WRITE, Stage.DUAL_WRITE, 0));
        MigrationControl.ApplyResult r = c.apply(MigrationConfig.EMPTY, "ops");
        assertThat(r.problems()).singleElement().asString().contains("removing a unit in stage DUAL_WRITE");
        c.apply(doc(Stage.OLD_ONLY, Stage.OLD_ONLY, 0), "ops").orThrow();
        assertThat(c.apply(MigrationConfig.EMPTY, "ops").outcome()).isEqualTo(MigrationControl.ApplyResult.Outcome.ACCEPTED);
    }

    @Test
    void droppingATableOrChangingTheRoutingColumnMidMigrationIsRejected() {
        MigrationControl c = control(doc(Stage.DUAL_WRITE, Stage.DUAL_WRITE, 0));
        MigrationConfig fewer = MigrationConfig.builder().unit(UnitConfig.builder("points").tables("points_account")
                .stage(Stage.DUAL_WRITE).build()).build();
        assertThat(c.apply(fewer, "ops").problems()).singleElement().asString()
                .contains("removing table points_detail from a unit in stage DUAL_WRITE");
        MigrationConfig otherColumn = MigrationConfig.builder().unit(UnitConfig.builder("points").routingColumn("uid")
                .tables("points_account", "points_detail").stage(Stage.DUAL_WRITE).build()).build();
        assertThat(c.apply(otherColumn, "ops").problems()).singleElement().asString()
                .contains("changing the routing column from user_id to uid");
        assertThat(c.apply(fewer.withForce(true), "ops").outcome()).isEqualTo(MigrationControl.ApplyResult.Outcome.ACCEPTED);
    }

    @Test
    void invalidTextIsRejectedWithItsReasonAndCounted() {
        MigrationControl c = control(doc(Stage.OLD_ONLY, Stage.OLD_ONLY, 0));
        MigrationControl.ApplyResult r = c.apply("units: {points: {stage: OLD_ONLY", MigrationConfig.Format.YAML, "file:x.yaml");
        assertThat(r.outcome()).isEqualTo(MigrationControl.ApplyResult.Outcome.REJECTED);
        assertThat(r.problems()).singleElement().asString().contains("YAML syntax error");
        assertThat(r.current().version()).isEqualTo(1);
        assertThat(c.rejectedCount()).isEqualTo(1);
    }

    @Test
    void aThrowingListenerBlocksNeitherTheSwapNorTheOtherListeners() {
        MigrationControl c = control(doc(Stage.OLD_ONLY, Stage.OLD_ONLY, 0));
        List<Long> seen = new ArrayList<>();
        List<String> rejections = new ArrayList<>();
        c.addListener(change -> {
            throw new IllegalStateException("broken listener");
        });
        c.addListener(new MigrationControl.Listener() {
            @Override
            public void onChange(MigrationControl.Change change) {
                seen.add(change.current().version());
                assertThat(change.previous().version()).isEqualTo(change.current().version() - 1);
            }

            @Override
            public void onRejected(String source, List<ConfigProblem> problems) {
                rejections.add(source);
            }
        });
        assertThat(c.apply(doc(Stage.DUAL_WRITE, Stage.DUAL_WRITE, 0), "ops").outcome())
                .isEqualTo(MigrationControl.ApplyResult.Outcome.ACCEPTED);
        c.apply(doc(Stage.NEW_ONLY, Stage.NEW_ONLY, 0), "typo");
        assertThat(c.current().version()).isEqualTo(2);
        assertThat(seen).containsExactly(2L);
        assertThat(rejections).containsExactly("typo");
    }

    /**
     * One thread applies documents while four route: every route must match exactly one accepted version,
     * never a mix of two documents.
     */
    @Test
    void reloadStormNeverShowsATornSnapshot() throws Exception {
        MigrationControl c = control(doc(Stage.DUAL_WRITE, Stage.READ_NEW, 0));
        Router router = new Router(c);
        Map<Long, MigrationConfig> accepted = new ConcurrentHashMap<>();
        accepted.put(1L, c.current().config());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger checked = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(4);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> routers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            long seed = t;
            routers.add(pool.submit(() -> {
                started.countDown();
                long id = seed;
                while (!stop.get() || checked.get() < 10_000) {
                    id += 7_919;
                    Router.Route route = router.route("points", id);
                    MigrationConfig cfg = accepted.get(route.configVersion());
                    assertThat(cfg).as("version %s was accepted", route.configVersion()).isNotNull();
                    UnitConfig unit = cfg.unit("points").orElseThrow();
                    boolean gray = unit.gray().includes(RoutingKey.of(id));
                    assertThat(route.stage()).isEqualTo(gray ? unit.gray().stage() : unit.stage());
                    assertThat(route.gray()).isEqualTo(gray);
                    checked.incrementAndGet();
                }
            }));
        }
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 1; i <= 2_000; i++) {
            int ratio = (i * 37) % 10_001;
            MigrationConfig next = doc(Stage.DUAL_WRITE, Stage.READ_NEW, ratio);
            long version = c.current().version() + 1;
            accepted.put(version, next); // before the swap: routers may see the version at once
            assertThat(c.apply(next, "storm-" + i).orThrow().current().version()).isEqualTo(version);
        }
        stop.set(true);
        for (Future<?> f : routers) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(c.current().version()).isGreaterThan(1_000);
        assertThat(checked.get()).isGreaterThanOrEqualTo(10_000);
    }
}
