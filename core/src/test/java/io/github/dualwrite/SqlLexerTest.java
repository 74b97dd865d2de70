package io.github.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SqlLexerTest {

    private static List<String> calls(String sql) {
        return SqlLexer.scan(sql).calls().stream().map(VolatileCall::text).toList();
    }

    @Test
    void findsTheNonDeterministicCallsAndOnlyThose() {
        assertThat(calls("UPDATE t SET a = NOW(), b = CURRENT_TIMESTAMP(3), c = CURRENT_TIMESTAMP, d = uuid() WHERE id = ?"))
                .containsExactly("NOW()", "CURRENT_TIMESTAMP(3)", "CURRENT_TIMESTAMP", "uuid()");
        assertThat(calls("SELECT UNIX_TIMESTAMP(created), RAND(7), LAST_INSERT_ID(5) FROM t"))
                .as("with an argument they compute from it").isEmpty();
        assertThat(calls("INSERT INTO t (a, b) VALUES (UNIX_TIMESTAMP(), RAND())")).containsExactly("UNIX_TIMESTAMP()", "RAND()");
        assertThat(calls("SELECT t.now, `now`(), 'NOW()', \"uuid()\" -- NOW()\n /* UUID() */ # RAND()\n FROM t"))
                .as("columns, quoted text and comments are not calls").isEmpty();
        assertThat(calls("SELECT now FROM t")).as("NOW without parentheses is a column").isEmpty();
    }

    @Test
    void tellsPerRowCallsFromPerStatementOnes() {
        List<VolatileCall> calls = SqlLexer.scan("INSERT INTO t VALUES (NOW(), UUID(), SYSDATE(), RAND())").calls();
        assertThat(calls).extracting(VolatileCall::perRow).containsExactly(false, true, false, true);
        VolatileCall now = calls.get(0);
        assertThat("INSERT INTO t VALUES (NOW(), UUID(), SYSDATE(), RAND())".substring(now.start(), now.end())).isEqualTo("NOW()");
    }

    @Test
    void findsEveryParameterOutsideQuotesAndComments() {
        String sql = "SELECT '?', `a?b`, ? FROM t WHERE a = ? -- ?\n AND b = \"it''s ?\" AND c = ? /* ? */";
        List<Integer> at = SqlLexer.scan(sql).parameters();
        assertThat(at).hasSize(3).allSatisfy(i -> assertThat(sql.charAt(i)).isEqualTo('?'));
        assertThat(SqlLexer.scan("SELECT 'it\\'s ?', ?").parameters()).hasSize(1);
    }
}
