package io.github.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The SQL caches are bounded by bytes, not only by entries (issue 14, item 5). */
class SqlCacheWeightTest {

    static String statement(int i, int chars) {
        return "UPDATE points_detail SET note = '" + "n".repeat(chars) + "' WHERE user_id = " + i;
    }

    @Test
    void theClassifierCacheHoldsAtMostItsByteBudget() {
        long budget = 1L << 20;
        SqlClassifier classifier = new SqlClassifier("MySQL", 10_000, budget);
        for (int i = 0; i < 200; i++) {
            classifier.classify(statement(i, 20_000));
        }
        classifier.cleanUp();
        assertThat(classifier.cachedWeight()).isLessThanOrEqualTo(budget);
        assertThat(classifier.cachedEntries()).isBetween(1L, 30L);
        assertThat(classifier.classify(statement(199, 20_000)).kind()).isEqualTo(SqlKind.UPDATE);
    }

    @Test
    void theEntryCountStillBoundsSmallStatements() {
        SqlClassifier classifier = new SqlClassifier("MySQL", 10, SqlClassifier.DEFAULT_CACHE_BYTES);
        for (int i = 0; i < 100; i++) {
            classifier.classify(statement(i, 10));
        }
        classifier.cleanUp();
        assertThat(classifier.cachedEntries()).isLessThanOrEqualTo(10);
    }

    @Test
    void weightsGrowWithTheText() {
        assertThat(SqlCacheWeights.of("x".repeat(100_000), 0)).isGreaterThanOrEqualTo(200_000);
        assertThat(SqlCacheWeights.of("select 1", 0)).isPositive();
        assertThat(SqlCacheWeights.of("x".repeat(1_000), 1_000)).isGreaterThan(SqlCacheWeights.of("x".repeat(1_000), 0));
    }
}
