package io.github.dualwrite;

import com.github.benmanes.caffeine.cache.Cache;
import java.util.Collection;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.ParseTree;
import org.apache.shardingsphere.infra.database.core.type.DatabaseType;
import org.apache.shardingsphere.infra.spi.type.typed.TypedSPILoader;
import org.apache.shardingsphere.sql.parser.api.CacheOption;
import org.apache.shardingsphere.sql.parser.api.SQLParserEngine;
import org.apache.shardingsphere.sql.parser.api.SQLStatementVisitorEngine;
import org.apache.shardingsphere.sql.parser.autogen.MySQLStatementParser;
import org.apache.shardingsphere.sql.parser.core.ParseASTNode;
import org.apache.shardingsphere.sql.parser.statement.core.statement.SQLStatement;

/**
 * Classifies SQL with ShardingSphere's own MySQL parser (the one the new side runs anyway), and caches the
 * result per SQL text in a bounded Caffeine cache. Thread-safe. Never throws: SQL it cannot read becomes an
 * {@link SqlKind#UNPARSED} shape with the reason.
 *
 * <p>Why ShardingSphere's parser rather than JSqlParser: it is already on the classpath (no second grammar
 * to keep in step), it is the parser that decides how the new side routes the same text, and its segments
 * carry the text positions needed to rewrite an INSERT.
 */
final class SqlClassifier {

    /** Default number of distinct SQL texts kept. */
    public static final int DEFAULT_CACHE_SIZE = 10_000;
    /** Bytes of SQL text (and of what is derived from it) the cache keeps by default: 64 MiB. */
    public static final long DEFAULT_CACHE_BYTES = SqlCacheWeights.DEFAULT_BYTES;

    private final SQLParserEngine parser;
    private final SQLStatementVisitorEngine visitor;
    private final Cache<String, SqlShape> cache;

    /** A MySQL-dialect classifier (MySQL, MariaDB, H2 in MODE=MySQL) with the default cache size. */
    public SqlClassifier() {
        this("MySQL", DEFAULT_CACHE_SIZE);
    }

    /**
     * A classifier for a ShardingSphere database type ("MySQL", "PostgreSQL", ...).
     *
     * @param databaseType ShardingSphere's name of the SQL dialect
     * @param cacheSize    distinct SQL texts to keep
     */
    public SqlClassifier(String databaseType, int cacheSize) {
        this(databaseType, cacheSize, DEFAULT_CACHE_BYTES);
    }

    /**
     * A classifier whose cache keeps at most {@code cacheSize} texts and about {@code cacheBytes} bytes.
     *
     * @param databaseType ShardingSphere's name of the SQL dialect
     * @param cacheSize    distinct SQL texts to keep
     * @param cacheBytes   bytes of SQL text (counted as UTF-16, with what is derived from it) to keep
     */
    public SqlClassifier(String databaseType, int cacheSize, long cacheBytes) {
        if (cacheSize < 1) {
            throw new IllegalArgumentException("SqlClassifier cacheSize must be at least 1 but was " + cacheSize);
        }
        if (cacheBytes < 1) {
            throw new IllegalArgumentException("SqlClassifier cacheBytes must be at least 1 but was " + cacheBytes);
        }
        DatabaseType type = TypedSPILoader.getService(DatabaseType.class, databaseType);
        // we cache whole shapes ourselves; the parser's own tree cache only needs to be tiny
        this.parser = new SQLParserEngine(type, new CacheOption(16, 64L));
        this.visitor = new SQLStatementVisitorEngine(type);
        // the shape keeps the same String as the key; its lists grow with the parameters, not the text
        this.cache = SqlCacheWeights.cache(cacheSize, cacheBytes, sql -> SqlCacheWeights.of(sql, 0),
                shape -> 64 * shape.parameterCount(), true);
    }

    /** The shape of {@code sql}, from the cache when it was seen before. */
    public SqlShape classify(String sql) {
        SqlShape shape = cache.getIfPresent(sql);
        if (shape == null) {
            shape = cache.get(sql, this::parse);
        }
        return shape;
    }

    /** Cache hits so far. */
    public long cacheHits() {
        return cache.stats().hitCount();
    }

    /** Entries in the cache now. */
    long cachedEntries() {
        return cache.estimatedSize();
    }

    /** Estimated bytes the cache holds now. */
    long cachedWeight() {
        return cache.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
    }

    /** Runs pending evictions (tests read the bounds afterwards). */
    void cleanUp() {
        cache.cleanUp();
    }

    /** Cache misses (parses) so far. */
    public long cacheMisses() {
        return cache.stats().missCount();
    }

    private SqlShape parse(String sql) {
        if (sql == null || sql.isBlank()) {
            return SqlShape.unparsed(String.valueOf(sql), "empty statement");
        }
        ParseASTNode ast;
        SQLStatement statement;
        try {
            ast = parser.parse(sql, false);
            statement = visitor.visit(ast);
        } catch (RuntimeException e) {
            return SqlShape.unparsed(sql, "the SQL parser cannot read it: " + e.getMessage());
        }
        ParseTree root = ast.getRootNode();
        if (root instanceof ParserRuleContext context && context.getStop() != null
                && hasTextAfter(sql, context.getStop().getStopIndex(), ast.getHiddenTokens())) {
            return SqlShape.unparsed(sql, "it holds more than one statement");
        }
        try {
            return ShapeBuilder.build(sql, statement, root instanceof MySQLStatementParser.ReplaceContext);
        } catch (RuntimeException e) {
            return SqlShape.unparsed(sql, "its structure is not understood: " + e);
        }
    }

    /** Whether anything but blanks, semicolons and comments follows the statement's last token. */
    private static boolean hasTextAfter(String sql, int stop, Collection<Token> hidden) {
        int i = stop + 1;
        outer:
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c) || c == ';') {
                i++;
                continue;
            }
            for (Token t : hidden) {
                if (t.getStartIndex() == i) {
                    i = t.getStopIndex() + 1;
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
