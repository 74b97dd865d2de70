package io.github.dualwrite.benchmarks;

import io.github.dualwrite.ClassifierBenchmark;
import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH suite and prints one summary line per figure. Ratios compare medians of the same run
 * (candidate over baseline); they are the figures to read on a noisy machine, never the absolute times.
 *
 * <pre>
 * RATIO passthrough_select 1.04            OLD_ONLY select through dual write / bare HikariCP (H2)
 * RATIO passthrough_update 1.02            OLD_ONLY update / bare HikariCP (H2)
 * RATIO dualwrite_sync_update 1.03         DUAL_WRITE update / (old update + new update) (H2)
 * RATIO outage_update 1.9                  DUAL_WRITE SYNC, new side down and breaker open / OLD_ONLY update
 *                                          (the ASYNC figures come from AsyncRates, a timed harness)
 * RATIO ..._mariadb                        the same on the local MariaDB
 * NS classifier_cache_hit 25.0             ns/op
 * NS router_route_long 30.1                ns/op
 * </pre>
 *
 * {@code --quick} runs fewer and shorter iterations (a few minutes); {@code --no-mariadb} skips the
 * MariaDB half.
 */
public final class Suite {

    private Suite() {
    }

    public static void main(String[] args) throws RunnerException {
        boolean quick = Arrays.asList(args).contains("--quick");
        boolean mariadb = !Arrays.asList(args).contains("--no-mariadb");
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(RouterBenchmark.class.getName())
                .include(ClassifierBenchmark.class.getName())
                .include(EngineBenchmark.class.getName())
                .param("db", mariadb ? new String[] {"h2", "mariadb"} : new String[] {"h2"})
                .forks(1)
                .shouldFailOnError(true);
        if (quick) {
            options.warmupIterations(2).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(3).measurementTime(TimeValue.seconds(1));
        } else {
            // MariaDB writes wait for the disk (fsync per commit): more forks and iterations to see through it
            options.forks(2).warmupIterations(3).warmupTime(TimeValue.seconds(2))
                    .measurementIterations(8).measurementTime(TimeValue.seconds(2));
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        Map<String, Double> medians = new TreeMap<>();
        for (RunResult r : results) {
            String method = r.getParams().getBenchmark();
            String name = method.substring(method.lastIndexOf('.') + 1);
            String db = r.getParams().getParam("db");
            medians.put(db == null ? name : name + "@" + db, Medians.of(r));
        }
        System.out.println();
        System.out.println("== summary (" + (quick ? "quick" : "full") + " run; medians of measured iterations)");
        for (String db : mariadb ? new String[] {"h2", "mariadb"} : new String[] {"h2"}) {
            String suffix = db.equals("h2") ? "" : "_" + db;
            ratio("passthrough_select" + suffix, medians.get("selectPassThrough@" + db), medians.get("selectBareOld@" + db));
            ratio("passthrough_update" + suffix, medians.get("updatePassThrough@" + db), medians.get("updateBareOld@" + db));
            ratio("dualwrite_sync_update" + suffix, medians.get("updateDualWrite@" + db),
                    medians.get("updateBareOld@" + db) + medians.get("updateBareNew@" + db));
            ratio("outage_update" + suffix, medians.get("updateOutageSync@" + db), medians.get("updatePassThrough@" + db));
        }
        ns("classifier_cache_hit", medians.get("classifyCacheHit"));
        ns("router_route_long", medians.get("routeLongKey"));
        ns("router_route_boxed", medians.get("routeBoxedKey"));
        ns("router_route_text", medians.get("routeTextKey"));
        medians.forEach((name, value) -> {
            if (name.contains("@")) {
                System.out.printf(Locale.ROOT, "US %s %.2f%n", name, value);
            }
        });
    }

    private static void ratio(String name, double candidate, double baseline) {
        System.out.printf(Locale.ROOT, "RATIO %s %.3f%n", name, candidate / baseline);
    }

    private static void ns(String name, double value) {
        System.out.printf(Locale.ROOT, "NS %s %.1f%n", name, value);
    }
}
