package io.github.dualwrite.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dualwrite.config.Stage;
import io.github.dualwrite.testing.DbPair;
import io.github.dualwrite.testing.Stack;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmokeTest {

    @TempDir
    Path dir;

    @Test
    void dualWriteInsertUpdateSelect() throws Exception {
        try (DbPair pair = DbPair.h2("smoke"); Stack stack = new Stack(pair, dir)) {
            stack.stage(Stage.DUAL_WRITE);
            try (Connection c = stack.dataSource().getConnection()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO points_detail (user_id, amount, note) VALUES (?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                    ps.setLong(1, 42);
                    ps.setLong(2, 100);
                    ps.setString(3, "hello");
                    assertThat(ps.executeUpdate()).isEqualTo(1);
                    try (ResultSet keys = ps.getGeneratedKeys()) {
                        assertThat(keys.next()).isTrue();
                        assertThat(keys.getLong(1)).isEqualTo(1L);
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE points_detail SET amount = amount + ? WHERE user_id = ? AND id = ?")) {
                    ps.setLong(1, 5);
                    ps.setLong(2, 42);
                    ps.setLong(3, 1);
                    assertThat(ps.executeUpdate()).isEqualTo(1);
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT amount FROM points_detail WHERE user_id = ?")) {
                    ps.setLong(1, 42);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getLong(1)).isEqualTo(105);
                        assertThat(rs.getStatement()).isSameAs(ps);
                    }
                }
            }
            stack.dataSource().journal().read(0, 10).forEach(e -> System.out.println(e.describe()));
            assertThat(pair.queryOld("SELECT id, user_id, amount, note FROM points_detail"))
                    .isEqualTo(pair.queryNew("SELECT id, user_id, amount, note FROM points_detail"));
            assertThat(pair.countNew("points_detail")).isEqualTo(1);
            System.out.println(stack.dataSource().stats());
            assertThat(stack.dataSource().journal().pendingCount()).isZero();
        }
    }
}
