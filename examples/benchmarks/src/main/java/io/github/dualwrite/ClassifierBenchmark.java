package io.github.dualwrite;

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
 * {@code SqlClassifier.classify} on a cache hit: what every statement pays once its SQL has been seen. In the
 * library's package because the classifier is not public API; returns Object since JMH's generated code
 * lives in another package.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ClassifierBenchmark {

    private final SqlClassifier classifier = new SqlClassifier();
    private final String[] sqls = new String[16];
    private int next;

    @Setup
    public void setUp() {
        for (int i = 0; i < sqls.length; i++) {
            // distinct String objects with equal text, as MyBatis builds them per call
            sqls[i] = new String("UPDATE points_account SET balance = balance + ? WHERE user_id = ? AND id = " + (i % 4));
            classifier.classify(sqls[i]);
        }
    }

    @Benchmark
    public Object classifyCacheHit() {
        return classifier.classify(sqls[next++ & 15]);
    }
}
