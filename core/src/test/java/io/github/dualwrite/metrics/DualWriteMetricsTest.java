package io.github.dualwrite.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dualwrite.DualWriteDataSource;
import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.config.UnitConfig;
import io.github.dualwrite.journal.Journal;
import io.github.dualwrite.sync.Repairer;
import io.github.dualwrite.sync.RowSync;
import io.github.dualwrite.testing.DbPair;
import io.github.dualwrite.testing.FaultyDataSource.Fault;
import io.github.dualwrite.testing.Poll;
import io.github.dualwrite.testing.Stack;
import io.github.dualwrite.testing.StackContract;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The meters read the engine's, journal's, switch's and repairer's own counters; none can throw. */
class DualWriteMetricsTest extends StackContract {

    private SimpleMeterRegistry registry;

    @Override
    protected DbPair newPair() {
        return DbPair.h2("metrics");
    }

    @BeforeEach
    void bind() {
        registry = new SimpleMeterRegistry();
    }

    private double counter(String name, String... tags) {
        return registry.get(name).tags(tags).tags("app", "points").functionCounter().count();
    }

    private double gauge(String name, String... tags) {
        return registry.get(name).tags(tags).gauge().value();
    }

    private void write(String sql) throws Exception {
        try (Connection c = stack.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    @Test
    void countersFollowWhatTheEngineDidAndThePendingGaugeWhatTheJournalHolds() throws Exception {
        DualWriteMetrics.of(stack.dataSource()).tags("app", "points").bindTo(registry);
        double writes = counter("dualwrite.writes");
        double ok = counter("dualwrite.secondary.writes", "outcome", "success");
        double failed = counter("dualwrite.secondary.writes", "outcome", "failure");
        double journaled = counter("dualwrite.journal.entries");
        double readsOld = counter("dualwrite.reads", "side", "old");

        write("INSERT INTO points_detail (id, user_id, amount) VALUES (1, 7, 10)");
        stack.newSide().set(Fault.WRITES);
        write("INSERT INTO points_detail (id, user_id, amount) VALUES (2, 7, 20)");
        stack.newSide().set(Fault.NONE);
        try (Connection c = stack.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT amount FROM points_detail WHERE user_id = 7")) {
            assertThat(rs.next()).isTrue();
        }

        assertThat(counter("dualwrite.writes") - writes).isEqualTo(2);
        assertThat(counter("dualwrite.secondary.writes", "outcome", "success") - ok).isEqualTo(1);
        assertThat(counter("dualwrite.secondary.writes", "outcome", "failure") - failed).isEqualTo(1);
        assertThat(counter("dualwrite.journal.entries") - journaled).isEqualTo(1);
        assertThat(counter("dualwrite.reads", "side", "old") - readsOld).isEqualTo(1);
        assertThat(counter("dualwrite.journal.lost")).isZero();
        assertThat(gauge("dualwrite.journal.pending")).isEqualTo(1);
        assertThat(gauge("dualwrite.journal.size")).as("every entry held, DONE ones included").isEqualTo(1);
        assertThat(gauge("dualwrite.journal.unresolved", "status", "pending", "behind", "new")).isEqualTo(1);
        assertThat(gauge("dualwrite.journal.unresolved", "status", "pending", "behind", "old")).isZero();
        assertThat(gauge("dualwrite.journal.unresolved", "status", "conflict", "behind", "any")).isZero();
        stack.clock().advance(java.time.Duration.ofSeconds(90));
        assertThat(gauge("dualwrite.journal.oldest.unresolved.age")).isEqualTo(90);
    }

    @Test
    void theRepairersWorkIsCountedByOutcome() throws Exception {
        stack.newSide().set(Fault.WRITES);
        write("INSERT INTO points_detail (id, user_id, amount) VALUES (3, 8, 30)");
        stack.newSide().set(Fault.NONE);
        Repairer repairer = Repairer.builder(stack.dataSource().journal(),
                new RowSync(pair.oldDataSource(), pair.newDataSource(), stack.control())).owner("metrics").build();
        DualWriteMetrics.of(stack.dataSource()).repairer(repairer).tags("app", "points").bindTo(registry);

        repairer.runOnce();

        assertThat(counter("dualwrite.repair.entries", "outcome", "claimed")).isEqualTo(1);
        assertThat(counter("dualwrite.repair.entries", "outcome", "repaired")).isEqualTo(1);
        assertThat(counter("dualwrite.repair.entries", "outcome", "failed")).isZero();
        assertThat(counter("dualwrite.repair.entries", "outcome", "dead")).isZero();
        assertThat(gauge("dualwrite.journal.pending")).isZero();
        assertThat(pair.queryNew("SELECT amount FROM points_detail WHERE id = 3")).hasSize(1);

        // entries of one user pointing both ways: parked for a person, counted and shown
        for (io.github.dualwrite.config.Side behind : io.github.dualwrite.config.Side.values()) {
            stack.dataSource().journal().record(java.util.List.of(io.github.dualwrite.journal.JournalEntry.pending(
                    stack.clock().instant(), "points", "points_detail", "9", null,
                    io.github.dualwrite.journal.JournalEntry.Operation.UPDATE, behind, "UPDATE ...", null,
                    io.github.dualwrite.journal.JournalEntry.Reason.ERROR, null, "injected")));
        }
        repairer.runOnce();
        assertThat(counter("dualwrite.repair.entries", "outcome", "conflict")).isEqualTo(2);
        Poll.until(java.time.Duration.ofSeconds(10),
                () -> gauge("dualwrite.journal.unresolved", "status", "conflict", "behind", "any") == 2);
    }

    @Test
    void stageAndGrayGaugesFollowTheSwitchAndUnitsAddedLaterGetTheirs() {
        DualWriteMetrics.of(stack.dataSource()).bindTo(registry);
        assertThat(gauge("dualwrite.unit.stage", "unit", "points")).isEqualTo(Stage.DUAL_WRITE.ordinal());
        long version = stack.control().current().version();
        assertThat(gauge("dualwrite.config.version")).isEqualTo(version);

        stack.stage(Stage.DUAL_WRITE, Stage.READ_NEW, 250);
        assertThat(gauge("dualwrite.unit.gray.ratio", "unit", "points")).isEqualTo(250);
        assertThat(gauge("dualwrite.config.version")).isEqualTo(version + 1);

        MigrationConfig withLedger = Stack.config(Stage.DUAL_WRITE, Stage.DUAL_WRITE, 0, MigrationConfig.UnkeyedPolicy.EXECUTE_BOTH);
        MigrationConfig.Builder builder = MigrationConfig.builder().force(true);
        withLedger.units().values().forEach(builder::unit);
        withLedger = builder.unit(UnitConfig.builder("ledger").tables("ledger_entry").stage(Stage.OLD_ONLY)
                .gray(new UnitConfig.Gray(Stage.OLD_ONLY, 0, null, null)).build()).build();
        stack.control().apply(withLedger, "test").orThrow();
        assertThat(gauge("dualwrite.unit.stage", "unit", "ledger")).isEqualTo(Stage.OLD_ONLY.ordinal());

        double rejected = registry.get("dualwrite.config.rejected").functionCounter().count();
        stack.control().apply("units: {points: {stage: SOMETIMES}}", io.github.dualwrite.config.MigrationConfig.Format.YAML, "test");
        assertThat(registry.get("dualwrite.config.rejected").functionCounter().count()).isEqualTo(rejected + 1);

        stack.stage(Stage.DUAL_WRITE); // the stack's document again: ledger is gone
        assertThat(gauge("dualwrite.unit.stage", "unit", "ledger")).isNaN();
    }

    @Test
    void aMeterThatCannotBeReadShowsNaNAndNeverThrows() {
        Journal broken = (Journal) Proxy.newProxyInstance(Journal.class.getClassLoader(), new Class<?>[] {Journal.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("lostCount")) {
                        return 0L;
                    }
                    if (method.getName().equals("addListener")) {
                        return null;
                    }
                    throw new IllegalStateException("journal table unreachable");
                });
        DualWriteDataSource ds = DualWriteDataSource.builder().oldDataSource(pair.oldDataSource())
                .newDataSource(pair.newDataSource()).control(stack.control()).journal(broken)
                .sequence(io.github.dualwrite.ids.SegmentSequence.builder(pair.shard(0)).build()).build();
        DualWriteMetrics.of(ds).bindTo(registry);

        Gauge pending = registry.get("dualwrite.journal.pending").gauge();
        assertThat(pending.value()).isNaN();
        FunctionCounter writes = registry.get("dualwrite.writes").functionCounter();
        assertThat(writes.count()).as("the other meters still read").isZero();
    }
}
