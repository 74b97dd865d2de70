package io.github.dualwrite.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The H2 pair is what the unit tests build on: prove it shards the way its javadoc says. */
class DbPairTest {

    @Test
    void rowsLandInTheShardTheRoutingFunctionNames() {
        try (DbPair pair = DbPair.h2("fixture")) {
            checkSharding(pair);
        }
    }

    @Test
    void twoPairsInOneJvmDoNotInterfere() {
        try (DbPair a = DbPair.h2("a"); DbPair b = DbPair.h2("b")) {
            a.updateNew("INSERT INTO points_account (id, user_id, balance) VALUES (1, 1, 10)");
            try (DbPair c = DbPair.h2("c")) {
                c.updateNew("INSERT INTO points_account (id, user_id, balance) VALUES (2, 2, 20)");
            }
            assertThat(a.queryNew("SELECT id FROM points_account")).extracting(r -> r.get("id")).containsExactly(1L);
            assertThat(b.queryNew("SELECT id FROM points_account")).isEmpty();
        }
    }

    static void checkSharding(DbPair pair) {
        for (long user = 1; user <= 16; user++) {
            pair.updateNew("INSERT INTO points_detail (id, user_id, amount) VALUES (?, ?, ?)", 100 + user, user, user * 10);
            pair.updateOld("INSERT INTO points_detail (user_id, amount) VALUES (?, ?)", user, user * 10);
        }
        for (long user = 1; user <= 16; user++) {
            int[] where = DbPair.location(user);
            List<Map<String, Object>> rows = DbPair.query(pair.shard(where[0]),
                    "SELECT user_id FROM points_detail_" + where[1] + " WHERE user_id = ?", user);
            assertThat(rows).as("user %d in ds_%d.points_detail_%d", user, where[0], where[1]).hasSize(1);
        }
        assertThat(pair.countNew("points_detail")).isEqualTo(16);
        assertThat(DbPair.count(pair.oldDataSource(), "SELECT MAX(id) FROM points_detail")).as("old ids are generated")
                .isEqualTo(16);
        pair.truncateAll();
        assertThat(pair.countNew("points_detail")).isZero();
        assertThat(pair.countOld("points_detail")).isZero();
    }
}
