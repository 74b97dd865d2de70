package io.github.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.testing.DbPair;
import io.github.dualwrite.testing.Stack;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every stage x {select, insert with id, insert without id, update, delete, batch} x {auto-commit,
 * commit, rollback} x {gray user, user not gray}: rows land exactly where the stage says and reads come
 * from the read side. Data is checked directly in both databases, never through dual write.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EngineMatrixContract {

    /** A gray user (bucket 42, ratio 100) and one that is not (bucket 500). */
    static final long GRAY_USER = 10_042L;
    static final long PLAIN_USER = 10_500L;
    static final int RATIO = 100;

    enum Op { SELECT, INSERT_WITH_ID, INSERT_WITHOUT_ID, UPDATE, DELETE, BATCH }

    enum Tx { AUTOCOMMIT, COMMIT, ROLLBACK }

    private Path dir;
    private DbPair pair;
    private Stack stack;

    abstract DbPair newPair();

    @BeforeAll
    void setUp(@org.junit.jupiter.api.io.TempDir Path tempDir) throws java.io.IOException {
        dir = tempDir;
        pair = newPair();
        stack = new Stack(pair, dir);
    }

    @AfterAll
    void tearDown() {
        if (stack != null) {
            stack.close();
        }
        if (pair != null) {
            pair.close();
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Stage stage : Stage.values()) {
            for (Op op : Op.values()) {
                for (Tx tx : Tx.values()) {
                    out.add(Arguments.of(stage, op, tx, true));
                    out.add(Arguments.of(stage, op, tx, false));
                }
            }
        }
        return out.stream();
    }

    /** The neighbour stage that is the base (for gray users) or the gray stage (for the others). */
    private static Stage neighbour(Stage s) {
        return s == Stage.OLD_ONLY ? Stage.DUAL_WRITE : Stage.values()[s.ordinal() - 1];
    }

    @ParameterizedTest(name = "{0} {1} {2} gray={3}")
    @MethodSource("cases")
    void rowsLandWhereTheStageSays(Stage stage, Op op, Tx tx, boolean gray) throws Exception {
        stack.reset();
        long user = gray ? GRAY_USER : PLAIN_USER;
        if (gray) {
            stack.stage(neighbour(stage), stage, RATIO);
        } else {
            stack.stage(stage, neighbour(stage), RATIO);
        }
        assertThat(stack.dataSource().explain("SELECT * FROM points_detail WHERE user_id = ?", user).stage())
                .as("the user is in the stage under test").isEqualTo(stage);
        boolean commits = tx != Tx.ROLLBACK;
        switch (op) {
            case SELECT -> select(stage, tx, user);
            case INSERT_WITH_ID -> {
                run(tx, c -> update(c, "INSERT INTO points_detail (id, user_id, amount) VALUES (?, ?, ?)", 500L, user, 7L));
                expectRows(stage, commits, "SELECT id, user_id, amount FROM points_detail", List.of(row(500L, user, 7L)));
            }
            case INSERT_WITHOUT_ID -> insertWithoutId(stage, tx, user, commits);
            case UPDATE -> {
                seedBoth(user);
                run(tx, c -> update(c, "UPDATE points_detail SET amount = amount + 5 WHERE user_id = ? AND id = ?", user, 1L));
                expectAmounts(stage, commits, 15L, 10L);
            }
            case DELETE -> {
                seedBoth(user); // one row on each side before the delete: a side it did not reach keeps it
                run(tx, c -> update(c, "DELETE FROM points_detail WHERE user_id = ? AND id = ?", user, 1L));
                for (Side side : Side.values()) {
                    boolean writes = commits && (stage.authority() == side || stage.secondary() == side);
                    assertThat(query(side, "SELECT id FROM points_detail")).as(side + " in " + stage).hasSize(writes ? 0 : 1);
                }
            }
            case BATCH -> {
                run(tx, c -> {
                    try (PreparedStatement ps = c.prepareStatement(
                            "INSERT INTO points_detail (id, user_id, amount) VALUES (?, ?, ?)")) {
                        for (long id = 600; id < 603; id++) {
                            ps.setLong(1, id);
                            ps.setLong(2, user);
                            ps.setLong(3, id);
                            ps.addBatch();
                        }
                        assertThat(ps.executeBatch()).containsExactly(1, 1, 1);
                    }
                });
                expectRows(stage, commits, "SELECT id, user_id, amount FROM points_detail ORDER BY id",
                        List.of(row(600L, user, 600L), row(601L, user, 601L), row(602L, user, 602L)));
            }
            default -> throw new IllegalStateException();
        }
        assertThat(stack.dataSource().journal().pendingCount()).as("nothing failed, nothing journaled").isZero();
    }

    private void select(Stage stage, Tx tx, long user) throws Exception {
        pair.updateOld("INSERT INTO points_detail (id, user_id, amount) VALUES (1, ?, 111)", user);
        pair.updateNew("INSERT INTO points_detail (id, user_id, amount) VALUES (1, ?, 222)", user);
        long expected = stage.readSide() == Side.OLD ? 111 : 222;
        run(tx, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT amount FROM points_detail WHERE user_id = ?")) {
                ps.setLong(1, user);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).as("read from the " + stage.readSide() + " side").isEqualTo(expected);
                }
            }
        });
    }

    private void insertWithoutId(Stage stage, Tx tx, long user, boolean commits) throws Exception {
        String sql = "INSERT INTO points_detail (user_id, amount) VALUES (?, ?)";
        List<Long> keys = new ArrayList<>();
        run(tx, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql, java.sql.Statement.RETURN_GENERATED_KEYS)) {
                ps.setLong(1, user);
                ps.setLong(2, 7L);
                assertThat(ps.executeUpdate()).isEqualTo(1);
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    assertThat(rs.next()).as("the caller still sees its generated key").isTrue();
                    keys.add(rs.getLong(1));
                    assertThat(keys.get(0)).isPositive();
                }
            }
        });
        // ids come from the sequence in every stage, NEW_ONLY included: the same id on both sides
        expectRows(stage, commits, "SELECT id, user_id, amount FROM points_detail", List.of(row(keys.get(0), user, 7L)));
    }

    private void seedBoth(long user) {
        pair.updateOld("INSERT INTO points_detail (id, user_id, amount) VALUES (1, ?, 10)", user);
        pair.updateNew("INSERT INTO points_detail (id, user_id, amount) VALUES (1, ?, 10)", user);
    }

    private void expectAmounts(Stage stage, boolean commits, long written, long untouched) {
        for (Side side : Side.values()) {
            boolean writes = commits && (stage.authority() == side || stage.secondary() == side);
            assertThat(query(side, "SELECT amount FROM points_detail")).as(side + " in " + stage)
                    .containsExactly(Map.of("amount", writes ? written : untouched));
        }
    }

    private void expectRows(Stage stage, boolean commits, String sql, List<Map<String, Object>> rows) {
        for (Side side : Side.values()) {
            boolean writes = commits && (stage.authority() == side || stage.secondary() == side);
            assertThat(query(side, sql)).as(side + " in " + stage).isEqualTo(writes ? rows : List.of());
        }
    }

    private List<Map<String, Object>> query(Side side, String sql) {
        return side == Side.OLD ? pair.queryOld(sql) : pair.queryNew(sql);
    }

    private static Map<String, Object> row(long id, long user, long amount) {
        return Map.of("id", id, "user_id", user, "amount", amount);
    }

    private static void update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private interface Work {
        void run(Connection c) throws Exception;
    }

    private void run(Tx tx, Work work) throws Exception {
        try (Connection c = stack.dataSource().getConnection()) {
            if (tx != Tx.AUTOCOMMIT) {
                c.setAutoCommit(false);
            }
            work.run(c);
            if (tx == Tx.COMMIT) {
                c.commit();
            } else if (tx == Tx.ROLLBACK) {
                c.rollback();
            }
        }
    }
}
