package io.github.dualwrite;

import io.github.dualwrite.config.RoutingKey;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.config.UnitConfig;
import io.github.dualwrite.journal.JournalEntry;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shadow reads: in the stages that write both sides, a sampled share of a unit's reads ({@code shadow-read:
 * sample-rate}) is run again on both sides, off the caller's thread, on a small bounded pool with connections
 * of its own and the secondary timeout; the caller never waits for it. Both results are compared as row sets
 * (numbers by value whatever their scale, times to the millisecond, the unit's {@code ignore-columns} left
 * out). A difference is re-checked after {@link #RECHECK_DELAY_MILLIS} (a write may have been between the two
 * reads); one that persists is counted, logged at WARN once per statement, and journaled for the user with the
 * authority's side trusted, so the repairer copies the user's rows over the other side.
 */
final class ShadowReads implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ShadowReads.class);

    /** Rows compared per read at most; larger results are skipped (shadow reads sample point lookups). */
    static final int MAX_ROWS = 1_000;
    /** Delay before a difference is read again. */
    static final long RECHECK_DELAY_MILLIS = 2_000;

    private final Engine engine;
    private final ScheduledExecutorService scheduler;
    private final ThreadPoolExecutor workers;

    ShadowReads(Engine engine, ScheduledExecutorService scheduler) {
        this.engine = engine;
        this.scheduler = scheduler;
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(64), r -> {
            Thread t = new Thread(r, "dualwrite-shadow-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        workers.allowCoreThreadTimeOut(true);
    }

    /** After a routed read ran: samples it for a comparison when its unit asks for shadow reads. */
    void sample(Plan plan, Invocation inv) {
        UnitConfig unit = plan.unit();
        if (unit == null || !unit.shadowRead().enabled() || plan.shape().kind() != SqlKind.SELECT) {
            return;
        }
        Stage stage = plan.stage();
        if (stage == null || stage.shadowSide() == null
                || ThreadLocalRandom.current().nextDouble() >= unit.shadowRead().sampleRate()) {
            return;
        }
        if (inv.notRepeatable() != null || inv.shapeOn(Side.NEW) != inv.shape()) {
            return; // values tied to one connection, or the new side runs SQL of its own: nothing to compare
        }
        Check check = new Check(plan, inv.shape().sql(), inv.values(), unit.shadowRead().ignoredColumns());
        submit(check);
    }

    private void submit(Runnable task) {
        try {
            workers.execute(task);
        } catch (RejectedExecutionException full) {
            engine.counters().shadowSkipped.increment(); // the pool is behind: a sample is dropped, never the caller
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }

    /** One sampled read, compared on both sides; re-checked once when they differ. */
    private final class Check implements Runnable {
        private final Plan plan;
        private final String sql;
        private final Object[] values;
        private final Set<String> ignored;
        private boolean recheck;

        Check(Plan plan, String sql, Object[] values, Set<String> ignored) {
            this.plan = plan;
            this.sql = sql;
            this.values = values;
            this.ignored = ignored;
        }

        @Override
        public void run() {
            try {
                List<String> trusted = rows(plan.authority());
                List<String> other = rows(plan.authority().other());
                if (trusted == null || other == null) {
                    return;
                }
                if (trusted.equals(other)) {
                    engine.counters().shadowReads.increment();
                    return;
                }
                if (!recheck) {
                    recheck = true;
                    scheduler.schedule(() -> submit(this), RECHECK_DELAY_MILLIS, TimeUnit.MILLISECONDS);
                    return;
                }
                mismatch(trusted, other);
            } catch (SQLException | RuntimeException e) {
                log.debug("dualwrite: shadow read of `{}` failed", Planner.abbreviate(sql), e);
            }
        }

        private void mismatch(List<String> trusted, List<String> other) {
            Side behind = plan.authority().other();
            engine.warnOnce("shadow", sql, () -> "dualwrite: shadow read of unit " + plan.unit().name() + " found "
                    + behind + " different from " + plan.authority() + " for keys " + plan.keys() + " in `"
                    + Planner.abbreviate(sql) + "` (" + trusted.size() + " rows against " + other.size()
                    + ", still after " + RECHECK_DELAY_MILLIS + " ms)" + (plan.keys().isEmpty() ? ""
                    : "; journaled for the repairer to copy " + plan.authority() + " over " + behind)
                    + " (logged once per statement)");
            List<JournalEntry> entries = new ArrayList<>();
            for (RoutingKey key : plan.keys()) {
                for (String table : plan.shape().tables()) {
                    entries.add(JournalEntry.pending(engine.clock().instant(), plan.unit().name(), table,
                            key.toString(), null, JournalEntry.Operation.OTHER, behind, sql, null,
                            JournalEntry.Reason.SHADOW_MISMATCH, null, "a shadow read found the rows of " + key
                                    + " different on " + behind + " than on " + plan.authority()));
                }
            }
            engine.journal(entries);
            engine.counters().shadowMismatches.increment(); // counted once journaled: a reader of both sees both
            engine.counters().shadowReads.increment();
        }

        /** The rows of the read on {@code side}, canonical and sorted; null when too many to compare. */
        private List<String> rows(Side side) throws SQLException {
            try (Connection c = engine.dataSource(side).getConnection();
                 PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setQueryTimeout(engine.secondaryTimeoutSeconds());
                ps.setMaxRows(MAX_ROWS + 1);
                for (int i = 0; values != null && i < values.length; i++) {
                    ps.setObject(i + 1, values[i]);
                }
                List<String> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        if (out.size() == MAX_ROWS) {
                            return null;
                        }
                        out.add(row(rs, md));
                    }
                }
                out.sort(null);
                return out;
            }
        }

        private String row(ResultSet rs, ResultSetMetaData md) throws SQLException {
            StringBuilder sb = new StringBuilder();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                String label = md.getColumnLabel(i).toLowerCase(Locale.ROOT);
                if (!ignored.contains(label)) {
                    sb.append(label).append('=').append(canonical(rs.getObject(i))).append('\u0001');
                }
            }
            return sb.toString();
        }
    }

    /** A value both databases render alike: numbers by value, times to the millisecond, bytes as Base64. */
    static String canonical(Object v) {
        if (v == null) {
            return "NULL";
        }
        if (v instanceof Boolean b) {
            return b ? "1" : "0";
        }
        if (v instanceof BigDecimal d) {
            return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
        }
        if (v instanceof Double || v instanceof Float) {
            return canonical(BigDecimal.valueOf(((Number) v).doubleValue()));
        }
        if (v instanceof Number n) {
            return canonical(new BigDecimal(n.toString()));
        }
        if (v instanceof java.sql.Timestamp t) {
            return canonical(t.toLocalDateTime());
        }
        if (v instanceof LocalDateTime t) {
            return t.truncatedTo(ChronoUnit.MILLIS).toString();
        }
        if (v instanceof java.time.OffsetDateTime t) {
            return canonical(t.toLocalDateTime());
        }
        if (v instanceof byte[] b) {
            return Base64.getEncoder().encodeToString(b);
        }
        if (v instanceof Object[] a) {
            return Arrays.toString(a);
        }
        return v.toString();
    }
}
