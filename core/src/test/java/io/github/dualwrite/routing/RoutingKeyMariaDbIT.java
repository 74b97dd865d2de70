package io.github.dualwrite.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dualwrite.config.RoutingKey;
import io.github.dualwrite.testing.MariaDbDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The documented bucket functions agree with what an operator computes in SQL:
 * {@code MOD(id, 10000)} for ids and {@code CRC32(id) % 10000} for text ids.
 */
class RoutingKeyMariaDbIT {

    @RegisterExtension
    static final MariaDbDatabase DB = new MariaDbDatabase("buckets", 2);

    @Test
    void javaAndSqlAgreeOnEveryBucket() throws Exception {
        List<String> texts = new ArrayList<>(List.of("abc", "user-42", "张三", "U0001", "ümlaut", "a,b"));
        for (int i = 0; i < 500; i++) {
            texts.add("user-" + (i * 7_919));
        }
        assertThat(sqlBuckets(DB.pool(), "SELECT CRC32(?) % 10000", texts)).isEqualTo(
                texts.stream().map(t -> RoutingKey.of(t).bucket()).toList());
        List<String> ids = new ArrayList<>();
        for (long i = 0; i < 500; i++) {
            ids.add(Long.toString(i * 1_234_567_891L));
        }
        assertThat(sqlBuckets(DB.pool(), "SELECT MOD(CAST(? AS SIGNED), 10000)", ids)).isEqualTo(
                ids.stream().map(t -> RoutingKey.of(t).bucket()).toList());
    }

    private static List<Integer> sqlBuckets(DataSource ds, String sql, List<String> values) throws Exception {
        List<Integer> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (String v : values) {
                ps.setString(1, v);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    out.add(rs.getInt(1));
                }
            }
        }
        return out;
    }
}
