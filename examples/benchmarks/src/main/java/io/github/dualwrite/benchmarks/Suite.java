package io.github.dualwrite.benchmarks;

import java.util.Collection;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the benchmark suite and prints one summary line per figure. {@code --quick} trades precision for
 * time (fewer, shorter iterations); the figures are for comparing ratios within one run, never absolute.
 *
 * <pre>
 * NS router_route_long 12.3      ns/op, median of the measured iterations
 * </pre>
 */
public final class Suite {

    private Suite() {
    }

    public static void main(String[] args) throws RunnerException {
        boolean quick = java.util.Arrays.asList(args).contains("--quick");
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(RouterBenchmark.class.getName())
                .forks(1)
                .shouldFailOnError(true);
        if (quick) {
            options.warmupIterations(2).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(3).measurementTime(TimeValue.seconds(1));
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        System.out.println();
        System.out.println("== summary (" + (quick ? "quick" : "full") + " run)");
        for (RunResult r : results) {
            String method = r.getParams().getBenchmark();
            String name = method.substring(method.lastIndexOf('.') + 1);
            System.out.printf(Locale.ROOT, "NS %s %.1f%n", figureName(name), Medians.of(r));
        }
    }

    private static String figureName(String method) {
        return switch (method) {
            case "routeLongKey" -> "router_route_long";
            case "routeBoxedKey" -> "router_route_boxed";
            case "routeTextKey" -> "router_route_text";
            default -> method;
        };
    }
}
