package io.github.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.dualwrite.SqlClassifier;
import io.github.dualwrite.SqlShape;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;

class RewriteTest {

    private static final SqlClassifier CLASSIFIER = new SqlClassifier();

    private static SqlShape shape(String sql) {
        return CLASSIFIER.classify(sql);
    }

    /** What a rewrite binds, parameter index to value. */
    private static Map<Integer, Object> bound(Rewrite rewrite, Object[] params, List<Object> ids, Object[] calls)
            throws SQLException {
        Map<Integer, Object> out = new TreeMap<>();
        PreparedStatement ps = (PreparedStatement) Proxy.newProxyInstance(RewriteTest.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> {
                    if (method.getName().startsWith("set")) {
                        out.put((Integer) args[0], args[1]);
                    }
                    return null;
                });
        Params p = new Params(params.length);
        for (int i = 0; i < params.length; i++) {
            p.set(i + 1, params[i], Params.OBJECT);
        }
        rewrite.bind(ps, p, ids, calls);
        return out;
    }

    @Test
    void addsTheIdColumnAndOneIdPerRow() throws SQLException {
        Rewrite r = Rewrite.of(shape("INSERT INTO t (a, b) VALUES (?, ?), (?, 5)"), "id", false);
        assertThat(r.sql()).isEqualTo("INSERT INTO t (id, a, b) VALUES (?, ?, ?), (?, ?, 5)");
        assertThat(r.rows()).isEqualTo(2);
        assertThat(bound(r, new Object[] {"a1", "b1", "a2"}, List.of(101L, 102L), null))
                .isEqualTo(Map.of(1, 101L, 2, "a1", 3, "b1", 4, 102L, 5, "a2"));
        Rewrite literal = Rewrite.of(shape("INSERT INTO t (a, b) VALUES ('a?', 1), ('b', 5)"), "id", false);
        assertThat(literal.inline(List.of(7L, 8L))).as("no parameter of its own: the ids are written in")
                .isEqualTo("INSERT INTO t (id, a, b) VALUES (7, 'a?', 1), (8, 'b', 5)");
    }

    @Test
    void fillsAnIdColumnBoundToNullParameters() throws SQLException {
        Rewrite r = Rewrite.of(shape("INSERT INTO t (id, a) VALUES (?, ?)"), "id", false);
        assertThat(r.sql()).isEqualTo("INSERT INTO t (id, a) VALUES (?, ?)");
        assertThat(bound(r, new Object[] {null, "x"}, List.of(55L), null)).isEqualTo(Map.of(1, 55L, 2, "x"));
    }

    @Test
    void bindsTheValuesOfNonDeterministicCallsInTheirPlace() throws SQLException {
        Rewrite r = Rewrite.of(shape("UPDATE t SET note = '?', at = CURRENT_TIMESTAMP(3), n = ? WHERE user_id = ? AND x < NOW()"),
                null, true);
        assertThat(r.sql()).isEqualTo("UPDATE t SET note = '?', at = ?, n = ? WHERE user_id = ? AND x < ?");
        assertThat(r.evaluation()).isEqualTo("SELECT CURRENT_TIMESTAMP(3), NOW()");
        assertThat(bound(r, new Object[] {5, 42L}, null, new Object[] {"t1", "t2"}))
                .isEqualTo(Map.of(1, "t1", 2, 5, 3, 42L, 4, "t2"));
    }

    @Test
    void carriesIdsAndCallValuesTogether() throws SQLException {
        Rewrite r = Rewrite.of(shape("INSERT INTO t (a, made) VALUES (?, NOW()), (?, NOW())"), "id", true);
        assertThat(r.sql()).isEqualTo("INSERT INTO t (id, a, made) VALUES (?, ?, ?), (?, ?, ?)");
        assertThat(bound(r, new Object[] {"a1", "a2"}, List.of(1L, 2L), new Object[] {"t1", "t2"}))
                .isEqualTo(Map.of(1, 1L, 2, "a1", 3, "t1", 4, 2L, 5, "a2", 6, "t2"));
    }

    @Test
    void refusesWhatItCannotCarry() {
        assertThatThrownBy(() -> Rewrite.of(shape("INSERT INTO t VALUES (1, 2)"), "id", false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Rewrite.of(shape("INSERT INTO t (a) VALUES (?)"), "id", false).inline(List.of("x")))
                .isInstanceOf(SQLException.class).hasMessageContaining("whole-number ids");
        List<Object> ids = new ArrayList<>();
        ids.add(1L);
        assertThatThrownBy(() -> Rewrite.of(shape("INSERT INTO t (a) VALUES (?)"), "id", false).inline(ids))
                .as("an original parameter cannot be written in").isInstanceOf(SQLException.class);
    }
}
