package io.github.dualwrite.benchmarks;

import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.config.UnitConfig;
import io.github.dualwrite.routing.Router;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code Router.route}: the per-statement cost of deciding where a user goes. A unit with a 5% gray ratio,
 * a 100-entry whitelist and blacklist and shadow sampling on, routed for a spread of user ids.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RouterBenchmark {

    private Router router;
    private final long[] ids = new long[1024];
    private final String[] texts = new String[1024];
    private int next;

    @Setup
    public void setUp() {
        List<Long> white = new java.util.ArrayList<>();
        List<Long> black = new java.util.ArrayList<>();
        for (long i = 0; i < 100; i++) {
            white.add(1_000_000 + i * 7);
            black.add(2_000_000 + i * 11);
        }
        UnitConfig unit = UnitConfig.builder("points").tables("points_account", "points_detail")
                .stage(Stage.DUAL_WRITE)
                .gray(new UnitConfig.Gray(Stage.READ_NEW, 500, null, null).withWhitelist(white).withBlacklist(black))
                .shadowReadSampleRate(0.01).build();
        router = new Router(MigrationControl.start(MigrationConfig.builder().unit(unit).build(), "benchmark"));
        java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        for (int i = 0; i < ids.length; i++) {
            ids[i] = random.nextLong(1, 100_000_000L);
            texts[i] = "user-" + ids[i];
        }
    }

    /** An integral user id (the common case: {@code long userId}). */
    @Benchmark
    public Router.Route routeLongKey() {
        return router.route("points", ids[next++ & 1023]);
    }

    /** A boxed id, as it arrives from a JDBC parameter or a MyBatis parameter object. */
    @Benchmark
    public Router.Route routeBoxedKey() {
        return router.route("points", (Object) Long.valueOf(ids[next++ & 1023]));
    }

    /** A text id: CRC-32 of its bytes. */
    @Benchmark
    public Router.Route routeTextKey() {
        return router.route("points", (Object) texts[next++ & 1023]);
    }
}
