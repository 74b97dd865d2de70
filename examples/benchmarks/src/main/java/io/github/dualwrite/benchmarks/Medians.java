package io.github.dualwrite.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;

/** Medians of measured iterations: less sensitive than means to one noisy iteration on a busy machine. */
final class Medians {

    private Medians() {
    }

    static double of(RunResult result) {
        List<Double> scores = new ArrayList<>();
        result.getBenchmarkResults().forEach(b -> {
            for (IterationResult it : b.getIterationResults()) {
                scores.add(it.getPrimaryResult().getScore());
            }
        });
        Collections.sort(scores);
        int n = scores.size();
        return n % 2 == 1 ? scores.get(n / 2) : (scores.get(n / 2 - 1) + scores.get(n / 2)) / 2;
    }
}
