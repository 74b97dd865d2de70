package io.github.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dualwrite.config.RoutingKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Closing a routing scope restores the enclosing one only when it is the current scope (issue 14, item 7). */
class ScopeOrderTest {

    @AfterEach
    void nothingLeftOnTheThread() {
        assertThat(DualWrite.currentRoutingKey()).isEmpty();
        assertThat(RoutingScope.hint()).isNull();
    }

    @Test
    void closingAnOlderScopeKeepsTheNewerOneCurrent() {
        RoutingScope older = DualWrite.routeBy(1L);
        RoutingScope newer = DualWrite.routeBy(2L);
        older.close();
        assertThat(DualWrite.currentRoutingKey()).as("the newer scope is still open").contains(RoutingKey.of(2L));
        newer.close();
        assertThat(DualWrite.currentRoutingKey()).as("the older one was closed already").isEmpty();
    }

    @Test
    void outOfOrderInTheMiddleOfThreeRestoresTheOutermostOpenOne() {
        RoutingScope a = DualWrite.routeBy(1L);
        RoutingScope b = DualWrite.routeBy(2L);
        RoutingScope c = DualWrite.routeBy(3L);
        b.close();
        assertThat(DualWrite.currentRoutingKey()).contains(RoutingKey.of(3L));
        c.close();
        assertThat(DualWrite.currentRoutingKey()).as("b is closed: back to a").contains(RoutingKey.of(1L));
        a.close();
        b.close();
        assertThat(DualWrite.currentRoutingKey()).isEmpty();
    }

    @Test
    void nestedInOrderStillRestoresEachLevel() {
        try (RoutingScope a = DualWrite.routeBy(1L)) {
            try (RoutingScope b = DualWrite.routeBy(2L)) {
                try (RoutingScope c = DualWrite.routeBy(3L)) {
                    assertThat(DualWrite.currentRoutingKey()).contains(RoutingKey.of(3L));
                }
                assertThat(DualWrite.currentRoutingKey()).contains(RoutingKey.of(2L));
            }
            assertThat(DualWrite.currentRoutingKey()).contains(RoutingKey.of(1L));
        }
    }

    @Test
    void hintsCloseOutOfOrderTheSameWay() {
        RoutingScope older = DualWrite.hint(5L);
        RoutingScope newer = DualWrite.hint(6L);
        older.close();
        assertThat(RoutingScope.hint()).isNotNull();
        assertThat(RoutingScope.hint().routingKey()).isEqualTo(RoutingKey.of(6L));
        newer.close();
        assertThat(RoutingScope.hint()).isNull();
    }
}
