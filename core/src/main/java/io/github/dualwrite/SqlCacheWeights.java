package io.github.dualwrite;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.function.ToIntFunction;

/**
 * Byte budgets for the caches keyed by SQL text. A count alone does not bound memory: 4,000 distinct
 * statements of 100 KB each are 800 MB. Each cache is bounded by an estimate of the bytes it holds and, through a
 * minimum weight per entry, by a number of entries too.
 */
final class SqlCacheWeights {

    /** Bytes of SQL text and what hangs off it kept per cache by default. */
    static final long DEFAULT_BYTES = 64L << 20;
    /** What an entry costs besides its text: the map node, the key and value objects. */
    private static final int OVERHEAD = 512;

    private SqlCacheWeights() {
    }

    /**
     * An estimate of the bytes an entry holds: the text as UTF-16 (the worst case of a Java string), counted
     * {@code copies} times beyond the first (a rewritten statement keeps its own text), plus a fixed overhead.
     */
    static int of(String sql, int extraChars) {
        long bytes = 2L * (sql == null ? 0 : sql.length()) + 2L * extraChars + OVERHEAD;
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }

    /**
     * A cache of at most {@code maxEntries} entries and about {@code maxBytes} bytes: every entry weighs at
     * least {@code maxBytes / maxEntries}.
     */
    static <K, V> Cache<K, V> cache(int maxEntries, long maxBytes, ToIntFunction<K> keyWeight,
                                    ToIntFunction<V> valueWeight, boolean recordStats) {
        if (maxEntries < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("a SQL cache needs at least 1 entry and 1 byte but was " + maxEntries
                    + " entries, " + maxBytes + " bytes");
        }
        int floor = (int) Math.max(1, Math.min(Integer.MAX_VALUE, maxBytes / maxEntries));
        Caffeine<Object, Object> builder = Caffeine.newBuilder().maximumWeight(maxBytes);
        if (recordStats) {
            builder.recordStats();
        }
        return builder.<K, V>weigher((k, v) -> Math.max(floor, (int) Math.min(Integer.MAX_VALUE,
                (long) keyWeight.applyAsInt(k) + valueWeight.applyAsInt(v)))).build();
    }
}
