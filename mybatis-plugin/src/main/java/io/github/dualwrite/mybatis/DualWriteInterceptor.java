package io.github.dualwrite.mybatis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.dualwrite.DualWrite;
import io.github.dualwrite.DualWriteDataSource;
import io.github.dualwrite.RoutingScope;
import io.github.dualwrite.StatementControl;
import io.github.dualwrite.StatementHint;
import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.config.RoutingKey;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;
import org.apache.ibatis.cache.CacheKey;
import org.apache.ibatis.executor.Executor;
import org.apache.ibatis.mapping.BoundSql;
import org.apache.ibatis.mapping.MappedStatement;
import org.apache.ibatis.mapping.ParameterMapping;
import org.apache.ibatis.mapping.StatementType;
import org.apache.ibatis.plugin.Interceptor;
import org.apache.ibatis.plugin.Intercepts;
import org.apache.ibatis.plugin.Invocation;
import org.apache.ibatis.plugin.Signature;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.ResultHandler;
import org.apache.ibatis.session.RowBounds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes MyBatis calls by user without touching a DAO: for each {@code Executor.update}, {@code query} (both
 * signatures: PageHelper and others call the six-argument one directly) and {@code queryCursor} it finds the
 * routing key in the mapper parameters and hands it to dualwrite's engine for exactly the duration of the
 * call ({@link DualWrite#hint(StatementHint)}, closed in finally: nothing stays on the thread).
 *
 * <ul>
 *   <li><b>Key</b>, first found wins: the {@link RoutingKey @RoutingKey} parameter; a configured property
 *       path (default {@code userId}, then {@code user_id}) on the parameter object, a {@code Map}/{@code ParamMap}
 *       entry, a nested path ({@code account.userId}, MyBatis-Plus' {@code et.userId}); the items of a
 *       {@code foreach} collection when all share one key. No key: the engine routes by the SQL or its
 *       unkeyed policy.</li>
 *   <li><b>Control</b>: {@link DualWriteControl @DualWriteControl} on the mapper method, or the
 *       {@code old-only}, {@code skip-secondary}, {@code authoritative-read} properties (statement ids or
 *       {@code namespace.*}) for XML mappers.</li>
 *   <li><b>A new schema</b>: when a statement {@code ns.insertDetail} has a counterpart
 *       {@code ns.insertDetail__new} (suffix configurable), the new side runs the counterpart's SQL, bound from
 *       the same parameter object, wherever the statement runs on the new side (the secondary of a dual write,
 *       reads in READ_NEW, the authority in NEW_PRIMARY). The counterpart's result columns must carry the
 *       labels the original's result map expects ({@code remark AS memo}).</li>
 *   <li><b>First-level cache</b>: a session's cached results came from one side; when the routing document
 *       or the routing key changes between two reads of one session, its local cache is cleared first, so a
 *       switched read never returns the other side's cached rows. (Inside a transaction the engine keeps
 *       the first read's side anyway.) During a migration {@code localCacheScope=STATEMENT} is still the
 *       simplest setting.</li>
 * </ul>
 *
 * <p>Installing it twice is harmless: an inner instance lets through a call its outer twin is handling.
 * With PageHelper, register this interceptor <em>before</em> PageHelper (MyBatis runs the last registered
 * first), so that it sees the count and the paged query PageHelper issues; the paging clause PageHelper
 * appends is carried over to the new side's SQL.
 */
@Intercepts({
    @Signature(type = Executor.class, method = "update", args = {MappedStatement.class, Object.class}),
    @Signature(type = Executor.class, method = "query",
            args = {MappedStatement.class, Object.class, RowBounds.class, ResultHandler.class}),
    @Signature(type = Executor.class, method = "query",
            args = {MappedStatement.class, Object.class, RowBounds.class, ResultHandler.class, CacheKey.class, BoundSql.class}),
    @Signature(type = Executor.class, method = "queryCursor", args = {MappedStatement.class, Object.class, RowBounds.class})
})
public final class DualWriteInterceptor implements Interceptor {

    private static final Logger log = LoggerFactory.getLogger(DualWriteInterceptor.class);
    /** The statement and parameter object being handled on this thread, so that a second installation passes. */
    private static final ThreadLocal<Object[]> HANDLING = new ThreadLocal<>();

    private volatile Settings settings;
    private final ConcurrentMap<String, StatementInfo> statements = new ConcurrentHashMap<>();
    /** Per executor (one per SqlSession): the document version and routing key its local cache was filled under. */
    private final Cache<Executor, CacheState> cacheStates = Caffeine.newBuilder().weakKeys().build();
    private volatile MigrationControl control;
    private volatile boolean controlLookedUp;
    private final LongAdder calls = new LongAdder();
    private final LongAdder keyed = new LongAdder();
    private final LongAdder newSideCalls = new LongAdder();
    private final LongAdder cacheClears = new LongAdder();

    /**
     * For {@code <plugin interceptor="io.github.dualwrite.mybatis.DualWriteInterceptor">} in mybatis-config.xml:
     * default settings (override them with {@code <property>}s), the migration control found through the
     * environment's DataSource.
     */
    public DualWriteInterceptor() {
        this(Settings.DEFAULT, null);
    }

    private DualWriteInterceptor(Settings settings, MigrationControl control) {
        this.settings = settings;
        this.control = control;
        this.controlLookedUp = control != null;
    }

    /** Configures an interceptor in code (MyBatis-Spring, {@code Configuration.addInterceptor}). */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Object intercept(Invocation invocation) throws Throwable {
        Object[] args = invocation.getArgs();
        MappedStatement ms = (MappedStatement) args[0];
        Object parameter = args[1];
        Object[] outer = HANDLING.get();
        if (outer != null && outer[0] == ms && outer[1] == parameter) {
            return invocation.proceed(); // installed twice: the outer instance already opened the hint
        }
        calls.increment();
        StatementHint hint = hint(ms, parameter, args.length == 6 ? (BoundSql) args[5] : null);
        if (!"update".equals(invocation.getMethod().getName())) {
            RoutingKey explicit = DualWrite.currentRoutingKey().orElse(null);
            guardLocalCache((Executor) invocation.getTarget(), ms.getConfiguration(),
                    explicit != null ? explicit : hint == null ? null : hint.routingKey());
        }
        HANDLING.set(new Object[] {ms, parameter});
        try (RoutingScope scope = hint == null ? null : DualWrite.hint(hint)) {
            return invocation.proceed();
        } finally {
            if (outer == null) {
                HANDLING.remove();
            } else {
                HANDLING.set(outer);
            }
        }
    }

    /** What to tell the engine about this call, or null when there is nothing to tell. */
    private StatementHint hint(MappedStatement ms, Object parameter, BoundSql given) throws SQLException {
        Settings s = settings;
        StatementInfo info = statements.computeIfAbsent(ms.getId(), id -> StatementInfo.of(ms, s));
        Configuration conf = ms.getConfiguration();
        Object key = KeyFinder.find(conf, parameter, info, s.keyPaths());
        boolean special = info.control() != StatementControl.DEFAULT || info.newSideId() != null;
        if (key == null && !special) {
            return null;
        }
        if (key != null) {
            keyed.increment();
        }
        StatementHint.Builder hint = StatementHint.builder().key(key);
        if (special) {
            BoundSql own = given != null ? given : ms.getBoundSql(parameter);
            hint.sql(own.getSql()).control(info.control());
            if (info.newSideId() != null) {
                String original = given == null ? own.getSql() : ms.getBoundSql(parameter).getSql();
                newSide(hint, ms, parameter, own, original, conf.getMappedStatement(info.newSideId(), false));
            }
        }
        return hint.build();
    }

    /** The counterpart's SQL and binder; a paging clause appended by another plugin is carried over. */
    private void newSide(StatementHint.Builder hint, MappedStatement ms, Object parameter, BoundSql executed,
                         String original, MappedStatement other) throws SQLException {
        if (ms.getStatementType() != StatementType.PREPARED || other.getStatementType() != StatementType.PREPARED) {
            throw new SQLException("dualwrite: statement " + ms.getId() + " has a new-side counterpart " + other.getId()
                    + ", which needs statementType PREPARED on both (the default)");
        }
        BoundSql otherSql = other.getBoundSql(parameter);
        if (!executed.getSql().equals(original)) {
            otherSql = withTail(ms, other, parameter, executed, original, otherSql);
        }
        BoundSql bound = otherSql;
        Configuration conf = ms.getConfiguration();
        hint.newSide(bound.getSql(), ps -> conf.newParameterHandler(other, parameter, bound).setParameters(ps));
        newSideCalls.increment();
    }

    private static BoundSql withTail(MappedStatement ms, MappedStatement other, Object parameter, BoundSql executed,
                                     String original, BoundSql otherSql) throws SQLException {
        int own = ms.getBoundSql(parameter).getParameterMappings().size();
        if (!executed.getSql().startsWith(original) || executed.getParameterMappings().size() < own) {
            throw new SQLException("dualwrite: the SQL of " + ms.getId() + " was rewritten by another plugin before"
                    + " dualwrite saw it, so its new-side counterpart " + other.getId() + " cannot follow; register"
                    + " DualWriteInterceptor before that plugin (PageHelper) or page inside the SQL");
        }
        List<ParameterMapping> tail = executed.getParameterMappings().subList(own, executed.getParameterMappings().size());
        List<ParameterMapping> mappings = new ArrayList<>(otherSql.getParameterMappings());
        mappings.addAll(tail);
        BoundSql combined = new BoundSql(ms.getConfiguration(), otherSql.getSql() + executed.getSql().substring(original.length()),
                mappings, parameter);
        otherSql.getAdditionalParameters().forEach(combined::setAdditionalParameter);
        executed.getAdditionalParameters().forEach((name, value) -> {
            if (!combined.hasAdditionalParameter(name)) {
                combined.setAdditionalParameter(name, value);
            }
        });
        return combined;
    }

    /**
     * Clears an executor's local cache before a read whose route may differ from the reads that filled it:
     * the routing document changed, or the routing key did (MyBatis' cache key holds the bound parameters,
     * which need not contain the key the plugin or a scope routes by).
     */
    private void guardLocalCache(Executor executor, Configuration conf, RoutingKey key) {
        MigrationControl c = control(conf);
        long version = c == null ? 0 : c.current().version();
        CacheState state = cacheStates.get(executor, e -> new CacheState(version, key));
        if (state.version != version || !Objects.equals(state.key, key)) {
            state.version = version;
            state.key = key;
            executor.clearLocalCache();
            cacheClears.increment();
        }
    }

    /** What an executor's local cache was filled under; executors are used by one thread at a time. */
    private static final class CacheState {
        long version;
        RoutingKey key;

        CacheState(long version, RoutingKey key) {
            this.version = version;
            this.key = key;
        }
    }

    private MigrationControl control(Configuration conf) {
        if (controlLookedUp) {
            return control;
        }
        synchronized (this) {
            if (!controlLookedUp) {
                control = find(conf);
                controlLookedUp = true;
            }
        }
        return control;
    }

    private static MigrationControl find(Configuration conf) {
        DataSource ds = conf.getEnvironment() == null ? null : conf.getEnvironment().getDataSource();
        try {
            if (ds != null && ds.isWrapperFor(DualWriteDataSource.class)) {
                return ds.unwrap(DualWriteDataSource.class).control();
            }
        } catch (SQLException | RuntimeException e) {
            log.warn("dualwrite: cannot reach the DualWriteDataSource behind MyBatis' environment: {}", e.toString());
        }
        log.warn("dualwrite: MyBatis' DataSource ({}) is not a DualWriteDataSource; the local cache is not cleared on"
                + " stage switches (build the interceptor with migrationControl(...) or use localCacheScope=STATEMENT)",
                ds == null ? "none" : ds.getClass().getName());
        return null;
    }

    /**
     * Replaces the settings from mybatis-config.xml's {@code <property>}s: {@code key-properties} (comma list of
     * property paths, default {@code userId,user_id}), {@code new-side-suffix} (default {@code __new}),
     * {@code old-only}, {@code skip-secondary}, {@code authoritative-read} (comma lists of statement ids or
     * {@code namespace.*}).
     *
     * @throws IllegalArgumentException for an unknown property or a bad value (a typo must not pass)
     */
    @Override
    public void setProperties(Properties properties) {
        this.settings = Settings.fromProperties(properties);
        statements.clear();
    }

    /** Counters since start. */
    public Stats stats() {
        return new Stats(calls.sum(), keyed.sum(), newSideCalls.sum(), cacheClears.sum());
    }

    /**
     * Counters of an interceptor.
     *
     * @param calls       intercepted calls
     * @param keyed       calls a routing key was found for
     * @param newSide     calls whose new side ran a counterpart statement
     * @param cacheClears local caches cleared because the routing document changed
     */
    public record Stats(long calls, long keyed, long newSide, long cacheClears) {
    }

    @Override
    public String toString() {
        List<String> keys = new ArrayList<>();
        settings.keyPaths().forEach(p -> keys.add(String.join(".", p)));
        return "DualWriteInterceptor[keys=" + keys + ", suffix=" + settings.newSideSuffix() + ", controls="
                + settings.controls() + "]";
    }

    /** Settings of a {@link DualWriteInterceptor}; each setter validates at {@link #build()}. */
    public static final class Builder {
        private List<String> keyProperties = Settings.DEFAULT_KEY_PROPERTIES;
        private String newSideSuffix = Settings.DEFAULT_SUFFIX;
        private final Map<String, StatementControl> controls = new LinkedHashMap<>();
        private MigrationControl control;

        private Builder() {
        }

        /** Property paths that may hold the routing key, tried in order; default {@code userId, user_id}. */
        public Builder keyProperties(String... paths) {
            this.keyProperties = Arrays.asList(paths.clone());
            return this;
        }

        /** The suffix of new-side counterparts; default {@code __new}. */
        public Builder newSideSuffix(String value) {
            this.newSideSuffix = value;
            return this;
        }

        /** The control of a statement id (or {@code namespace.*}); a mapper annotation wins over it. */
        public Builder control(String statementId, StatementControl value) {
            controls.put(statementId, Objects.requireNonNull(value, "control"));
            return this;
        }

        /** Where to read the document version for the local-cache guard; default: found through MyBatis' DataSource. */
        public Builder migrationControl(MigrationControl value) {
            this.control = value;
            return this;
        }

        /**
         * The interceptor.
         *
         * @throws IllegalArgumentException for an empty or malformed key path, or a blank suffix or id
         */
        public DualWriteInterceptor build() {
            return new DualWriteInterceptor(Settings.of(keyProperties, newSideSuffix, controls), control);
        }
    }
}
