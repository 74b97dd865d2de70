package io.github.dualwrite.ids;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

class SegmentSequenceTest {

    private static JdbcDataSource h2(String name) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1;MODE=MySQL");
        return ds;
    }

    @Test
    void twoInstancesAndManyThreadsNeverHandOutAnIdTwice() throws Exception {
        JdbcDataSource db = h2("seq_many");
        SegmentSequence a = SegmentSequence.builder(db).step(7).floor(name -> 1_000).build();
        SegmentSequence b = SegmentSequence.builder(db).step(7).floor(name -> 1_000).build();
        Set<Long> ids = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> runs = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            SegmentSequence s = t % 2 == 0 ? a : b;
            runs.add(pool.submit(() -> {
                for (int i = 0; i < 500; i++) {
                    assertThat(ids.add((Long) s.nextId("points_detail"))).as("handed out once").isTrue();
                }
                return null;
            }));
        }
        for (Future<?> f : runs) {
            f.get(1, TimeUnit.MINUTES);
        }
        pool.shutdown();
        assertThat(ids).hasSize(2_000);
        assertThat(ids.stream().mapToLong(Long::longValue).min().orElseThrow()).as("above the floor").isGreaterThan(1_000);
        assertThat(a.peek("points_detail").orElseThrow()).isGreaterThan(ids.stream().mapToLong(Long::longValue).max().orElseThrow());
        assertThat(a.peek("coupon")).isEmpty();
    }

    @Test
    void idsOfOneInstanceIncreaseAndARestartSkipsTheRestOfItsSegment() throws SQLException {
        JdbcDataSource db = h2("seq_restart");
        SegmentSequence first = SegmentSequence.builder(db).step(100).build();
        long x = (Long) first.nextId("t");
        long y = (Long) first.nextId("t");
        assertThat(y).isEqualTo(x + 1);
        SegmentSequence restarted = SegmentSequence.builder(db).step(100).build();
        assertThat((Long) restarted.nextId("t")).isEqualTo(x + 100);
    }

    @Test
    void aFloorThatCannotBeReadFailsTheCallBeforeAnythingIsWritten() {
        SegmentSequence s = SegmentSequence.builder(h2("seq_floor")).floor(name -> {
            throw new SQLException("old side down");
        }).build();
        assertThatThrownBy(() -> s.nextId("t")).isInstanceOf(SQLException.class)
                .hasMessageContaining("cannot take ids for sequence 't'").hasMessageContaining("old side down");
        assertThatThrownBy(() -> SegmentSequence.builder(h2("x")).step(0)).hasMessageContaining("but was 0");
    }
}
