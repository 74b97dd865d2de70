package io.github.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SqlClassifierTest {

    private final SqlClassifier classifier = new SqlClassifier();

    @Test
    void selectWithKeyAndPrimaryKey() {
        SqlShape s = classifier.classify("SELECT * FROM points_detail WHERE user_id = ? AND id = ?");
        assertThat(s.kind()).isEqualTo(SqlKind.SELECT);
        assertThat(s.isWrite()).isFalse();
        assertThat(s.tables()).containsExactly("points_detail");
        assertThat(s.bindings("user_id")).containsExactly(ValueRef.parameter(0));
        assertThat(s.bindings("ID")).containsExactly(ValueRef.parameter(1));
        assertThat(s.parameterCount()).isEqualTo(2);
    }

    @Test
    void joinsLiteralsQuotingAndCase() {
        SqlShape s = classifier.classify("select a.* from `points_account` a join POINTS_DETAIL d on a.user_id=d.user_id"
                + " where a.`user_id` = 5");
        assertThat(s.tables()).containsExactly("points_account", "points_detail");
        assertThat(s.bindings("user_id")).containsExactly(ValueRef.literal(5));
        assertThat(classifier.classify("SELECT * FROM db1.points_detail t WHERE ? = t.user_id").bindings("user_id"))
                .containsExactly(ValueRef.parameter(0));
        assertThat(classifier.classify("/* x */ SELECT * FROM points_detail WHERE user_id = ?").tables())
                .containsExactly("points_detail");
    }

    @Test
    void updatesAndDeletes() {
        SqlShape u = classifier.classify("UPDATE points_account SET balance = balance + ? WHERE user_id = ? AND id = ?");
        assertThat(u.kind()).isEqualTo(SqlKind.UPDATE);
        assertThat(u.bindings("user_id")).containsExactly(ValueRef.parameter(1));
        assertThat(u.bindings("id")).containsExactly(ValueRef.parameter(2));
        assertThat(u.untrustedColumns()).contains("balance");
        SqlShape d = classifier.classify("DELETE FROM points_detail WHERE user_id IN (?)");
        assertThat(d.kind()).isEqualTo(SqlKind.DELETE);
        assertThat(d.bindings("user_id")).containsExactly(ValueRef.parameter(0));
        SqlShape many = classifier.classify("DELETE FROM points_detail WHERE user_id IN (?, ?)");
        assertThat(many.bindings("user_id")).isEmpty();
        assertThat(many.untrustedColumns()).contains("user_id");
    }

    @Test
    void conditionsUnderOrNotOrRangesAreNotTrusted() {
        for (String sql : List.of("SELECT * FROM points_detail WHERE user_id = ? OR id = ?",
                "SELECT * FROM points_detail WHERE NOT user_id = ?",
                "SELECT * FROM points_detail WHERE user_id > ?",
                "SELECT * FROM points_detail WHERE user_id BETWEEN ? AND ?",
                "SELECT * FROM points_detail WHERE user_id NOT IN (?)",
                "SELECT * FROM points_detail WHERE (user_id = ? AND id = ?) OR id = 3")) {
            SqlShape s = classifier.classify(sql);
            assertThat(s.bindings("user_id")).as(sql).isEmpty();
            assertThat(s.untrustedColumns()).as(sql).contains("user_id");
        }
        assertThat(classifier.classify("SELECT * FROM points_detail WHERE user_id = ? AND (id = ? OR amount = ?)")
                .bindings("user_id")).containsExactly(ValueRef.parameter(0));
    }

    @Test
    void subqueryBindingsDoNotCountButTheirTablesDo() {
        SqlShape s = classifier.classify("DELETE FROM points_detail WHERE id IN (SELECT id FROM coupon WHERE user_id = ?)");
        assertThat(s.tables()).containsExactly("points_detail", "coupon");
        assertThat(s.bindings("user_id")).isEmpty();
        SqlShape cte = classifier.classify("WITH c AS (SELECT * FROM points_detail WHERE user_id = ?) SELECT * FROM c");
        assertThat(cte.tables()).containsExactly("points_detail");
    }

    @Test
    void insertsCarryColumnsRowsAndPositions() {
        String sql = "INSERT INTO points_detail (user_id, amount) VALUES (?, ?), (?, ?)";
        SqlShape s = classifier.classify(sql);
        assertThat(s.kind()).isEqualTo(SqlKind.INSERT);
        InsertShape i = s.insert();
        assertThat(i.columns()).containsExactly("user_id", "amount");
        assertThat(i.columnIndex("ID")).isEqualTo(-1);
        assertThat(i.rows()).hasSize(2);
        assertThat(i.rows().get(1)).containsExactly(ValueRef.parameter(2), ValueRef.parameter(3));
        assertThat(sql.charAt(i.columnListStart())).isEqualTo('(');
        assertThat(i.rowStarts()).allSatisfy(p -> assertThat(sql.charAt(p)).isEqualTo('('));
        assertThat(i.parameterPositions()).allSatisfy(p -> assertThat(sql.charAt(p)).isEqualTo('?'));
        assertThat(i.hasRegularColumnList()).isTrue();
        assertThat(s.bindings("user_id")).containsExactly(ValueRef.parameter(0), ValueRef.parameter(2));

        SqlShape withId = classifier.classify("INSERT INTO points_detail (id, user_id, amount) VALUES (?, 7, ?)");
        assertThat(withId.insert().columnIndex("id")).isZero();
        assertThat(withId.bindings("user_id")).containsExactly(ValueRef.literal(7));
        assertThat(classifier.classify("INSERT INTO points_detail VALUES (?, ?, ?)").insert().hasRegularColumnList())
                .isFalse();
    }

    @Test
    void replaceUpsertInsertSelectAndInsertSet() {
        assertThat(classifier.classify("REPLACE INTO points_detail (id, user_id) VALUES (?, ?)").kind())
                .isEqualTo(SqlKind.REPLACE);
        SqlShape upsert = classifier.classify("INSERT INTO points_account (id, user_id, balance) VALUES (?, ?, ?)"
                + " ON DUPLICATE KEY UPDATE balance = VALUES(balance)");
        assertThat(upsert.insert().onDuplicateKey()).isTrue();
        assertThat(upsert.bindings("user_id")).containsExactly(ValueRef.parameter(1));
        SqlShape fromSelect = classifier.classify("INSERT INTO points_detail (user_id, amount)"
                + " SELECT user_id, amount FROM coupon WHERE user_id = ?");
        assertThat(fromSelect.insert().fromSelect()).isTrue();
        assertThat(fromSelect.tables()).containsExactly("points_detail", "coupon");
        SqlShape set = classifier.classify("INSERT INTO points_detail SET user_id = ?, amount = ?");
        assertThat(set.bindings("user_id")).containsExactly(ValueRef.parameter(0));
        assertThat(set.insert().hasRegularColumnList()).isFalse();
    }

    @Test
    void lockingReadsDdlTransactionControlAndOthers() {
        assertThat(classifier.classify("SELECT * FROM points_detail WHERE id = ? FOR UPDATE").kind())
                .isEqualTo(SqlKind.LOCKING_SELECT);
        SqlShape ddl = classifier.classify("ALTER TABLE points_detail ADD COLUMN x INT");
        assertThat(ddl.kind()).isEqualTo(SqlKind.DDL);
        assertThat(ddl.tables()).containsExactly("points_detail");
        assertThat(classifier.classify("CREATE TABLE t (id INT)").tables()).containsExactly("t");
        assertThat(classifier.classify("COMMIT").kind()).isEqualTo(SqlKind.TRANSACTION_CONTROL);
        assertThat(classifier.classify("select 1").kind()).isEqualTo(SqlKind.SELECT);
        assertThat(classifier.classify("select 1").tables()).isEmpty();
    }

    @Test
    void unreadableAndMultipleStatementsAreUnparsedWithAReason() {
        SqlShape bad = classifier.classify("selec * form x");
        assertThat(bad.kind()).isEqualTo(SqlKind.UNPARSED);
        assertThat(bad.isWrite()).as("assumed to write").isTrue();
        assertThat(bad.problem()).contains("cannot read");
        SqlShape two = classifier.classify("SELECT * FROM points_detail WHERE user_id = ?; DELETE FROM points_account");
        assertThat(two.kind()).isEqualTo(SqlKind.UNPARSED);
        assertThat(two.problem()).contains("more than one statement");
        assertThat(classifier.classify("SELECT * FROM points_detail; -- trailing comment").kind())
                .isEqualTo(SqlKind.SELECT);
        assertThat(classifier.classify("  ").kind()).isEqualTo(SqlKind.UNPARSED);
    }

    @Test
    void resultsAreCachedPerSqlText() {
        SqlShape first = classifier.classify("SELECT * FROM coupon WHERE user_id = ?");
        long misses = classifier.cacheMisses();
        assertThat(classifier.classify("SELECT * FROM coupon WHERE user_id = ?")).isSameAs(first);
        assertThat(classifier.cacheMisses()).isEqualTo(misses);
        assertThat(classifier.cacheHits()).isPositive();
    }
}
