package io.github.dualwrite.benchmarks;

import io.github.dualwrite.DualWriteDataSource;
import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.config.UnitConfig;
import io.github.dualwrite.journal.JdbcJournal;
import io.github.dualwrite.testing.DbPair;
import io.github.dualwrite.testing.FaultyDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine against the bare pools, statement prepared per call as MyBatis does (prepare, bind, execute,
 * close on a held connection):
 * <ul>
 *   <li>OLD_ONLY pass-through vs bare HikariCP on the old database: a point select and a one-row update;</li>
 *   <li>DUAL_WRITE SYNC update vs the same update on the old pool alone and on ShardingSphere alone.</li>
 * </ul>
 * On embedded H2 and on the local MariaDB (old database vs 2 x 4 shards).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EngineBenchmark {

    static final String SELECT = "SELECT balance FROM points_account WHERE user_id = ?";
    static final String UPDATE = "UPDATE points_account SET balance = balance + 1 WHERE user_id = ?";
    static final int USERS = 1_000;

    @Param({"h2", "mariadb"})
    public String db;

    private DbPair pair;
    private DualWriteDataSource passThrough;
    private DualWriteDataSource dual;
    private DualWriteDataSource outageSync;
    private Connection outageSyncConnection;
    private Connection bareOld;
    private Connection bareNew;
    private Connection passConnection;
    private Connection dualConnection;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        pair = db.equals("h2") ? DbPair.h2("bench") : DbPair.mariaDb("bench");
        for (int user = 1; user <= USERS; user++) {
            pair.updateOld("INSERT INTO points_account (id, user_id, balance) VALUES (?, ?, 0)", user, user);
            pair.updateNew("INSERT INTO points_account (id, user_id, balance) VALUES (?, ?, 0)", user, user);
        }
        passThrough = dataSource(pair, Stage.OLD_ONLY, MigrationConfig.WriteMode.SYNC, pair.newDataSource());
        dual = dataSource(pair, Stage.DUAL_WRITE, MigrationConfig.WriteMode.SYNC, pair.newDataSource());
        // the outage: the new side refuses connections, the breaker opened on the first calls and stays open
        javax.sql.DataSource down = FaultyDataSource.wrap(pair.newDataSource()).set(FaultyDataSource.Fault.DOWN).dataSource();
        outageSync = dataSource(pair, Stage.DUAL_WRITE, MigrationConfig.WriteMode.SYNC, down, "dualwrite_journal_outage");
        bareOld = pair.oldDataSource().getConnection();
        bareNew = pair.newDataSource().getConnection();
        passConnection = passThrough.getConnection();
        dualConnection = dual.getConnection();
        outageSyncConnection = outageSync.getConnection();
        for (int i = 0; i < 200 && !"OPEN".equals(outageSync.breakerStates().get(io.github.dualwrite.config.Side.NEW)); i++) {
            update(outageSyncConnection, user());
        }
        if (!"OPEN".equals(outageSync.breakerStates().get(io.github.dualwrite.config.Side.NEW))) {
            throw new IllegalStateException("the breaker did not open: " + outageSync.breakerStates());
        }
    }

    static DualWriteDataSource dataSource(DbPair pair, Stage stage, MigrationConfig.WriteMode mode,
                                          javax.sql.DataSource newSide) {
        return dataSource(pair, stage, mode, newSide, io.github.dualwrite.journal.JdbcJournal.DEFAULT_TABLE);
    }

    /** Like the above with its own journal table (an outage's entries would hold the users of the others). */
    static DualWriteDataSource dataSource(DbPair pair, Stage stage, MigrationConfig.WriteMode mode,
                                          javax.sql.DataSource newSide, String journalTable) {
        UnitConfig points = UnitConfig.builder("points").tables("points_account", "points_detail").stage(stage).build();
        // a breaker that, once open, stays open for the whole run (the outage benchmarks measure that state)
        MigrationConfig.CircuitBreaker breaker = new MigrationConfig.CircuitBreaker(50, 100, java.time.Duration.ofSeconds(10),
                20, 20, java.time.Duration.ofHours(1), 10);
        MigrationControl control = MigrationControl.start(MigrationConfig.builder().unit(points)
                .secondary(new MigrationConfig.Secondary(mode, java.time.Duration.ofSeconds(2), breaker)).build(), "benchmark");
        return DualWriteDataSource.builder().oldDataSource(pair.oldDataSource()).newDataSource(newSide)
                .control(control).journal(new JdbcJournal(pair.oldDataSource(), journalTable,
                        io.github.dualwrite.journal.JournalPolicy.DEFAULTS)).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        for (Connection c : new Connection[] {bareOld, bareNew, passConnection, dualConnection, outageSyncConnection}) {
            c.close();
        }
        for (DualWriteDataSource ds : new DualWriteDataSource[] {passThrough, dual, outageSync}) {
            ds.close();
        }
        pair.close();
    }

    private long user() {
        next = next % USERS + 1;
        return next;
    }

    private static long select(Connection c, long user) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT)) {
            ps.setLong(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static int update(Connection c, long user) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(UPDATE)) {
            ps.setLong(1, user);
            return ps.executeUpdate();
        }
    }

    /** Baseline: a point select on the bare old pool. */
    @Benchmark
    public long selectBareOld() throws SQLException {
        return select(bareOld, user());
    }

    /** The same select through dual write in OLD_ONLY. */
    @Benchmark
    public long selectPassThrough() throws SQLException {
        return select(passConnection, user());
    }

    /** Baseline: a one-row update on the bare old pool. */
    @Benchmark
    public int updateBareOld() throws SQLException {
        return update(bareOld, user());
    }

    /** The same update through dual write in OLD_ONLY. */
    @Benchmark
    public int updatePassThrough() throws SQLException {
        return update(passConnection, user());
    }

    /** Baseline half: the update on ShardingSphere alone. */
    @Benchmark
    public int updateBareNew() throws SQLException {
        return update(bareNew, user());
    }

    /** The update through dual write in DUAL_WRITE, SYNC: old, then new. */
    @Benchmark
    public int updateDualWrite() throws SQLException {
        return update(dualConnection, user());
    }

    /** DUAL_WRITE SYNC while the new side is down and the breaker open: old, then the journal entry. */
    @Benchmark
    public int updateOutageSync() throws SQLException {
        return update(outageSyncConnection, user());
    }
}
