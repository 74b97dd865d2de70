package io.github.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.dualwrite.config.RoutingKey;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RoutingScopeTest {

    @Test
    void scopesNestAndLeaveNothingBehind() {
        assertThat(DualWrite.currentRoutingKey()).isEmpty();
        try (RoutingScope outer = DualWrite.routeBy(1L)) {
            assertThat(DualWrite.currentRoutingKey()).contains(RoutingKey.of(1L));
            try (RoutingScope inner = DualWrite.routeBy("42")) {
                assertThat(DualWrite.currentRoutingKey()).contains(RoutingKey.of(42L));
            }
            assertThat(DualWrite.currentRoutingKey()).contains(RoutingKey.of(1L));
        }
        assertThat(DualWrite.currentRoutingKey()).isEmpty();
    }

    @Test
    void theScopeIsClearedWhenTheBlockThrows() {
        assertThatThrownBy(() -> {
            try (RoutingScope s = DualWrite.routeBy(7L)) {
                throw new IllegalStateException("business failure");
            }
        }).hasMessage("business failure");
        assertThat(DualWrite.currentRoutingKey()).isEmpty();
    }

    @Test
    void otherThreadsAndPooledTasksNeverSeeTheKey() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            pool.submit(() -> { }).get(10, TimeUnit.SECONDS); // the pool thread exists before the scope opens
            try (RoutingScope s = DualWrite.routeBy(7L)) {
                Optional<RoutingKey> inPool = pool.submit(DualWrite::currentRoutingKey).get(10, TimeUnit.SECONDS);
                Optional<RoutingKey> inNewThread = CompletableFuture.supplyAsync(DualWrite::currentRoutingKey,
                        r -> new Thread(r).start()).get(10, TimeUnit.SECONDS);
                assertThat(inPool).isEmpty();
                assertThat(inNewThread).as("not inheritable").isEmpty();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closingTwiceIsHarmlessAndClosingOutOfOrderKeepsTheNewerScope() {
        RoutingScope outer = DualWrite.routeBy(1L);
        RoutingScope inner = DualWrite.routeBy(2L);
        outer.close();
        assertThat(DualWrite.currentRoutingKey()).contains(RoutingKey.of(2L));
        inner.close();
        inner.close();
        assertThat(DualWrite.currentRoutingKey()).isEmpty();
    }

    @Test
    void aScopeMustBeClosedOnItsOwnThread() throws Exception {
        RoutingScope scope = DualWrite.routeBy(3L);
        try {
            Throwable error = CompletableFuture.runAsync(scope::close, r -> new Thread(r).start())
                    .handle((v, e) -> e).get(10, TimeUnit.SECONDS);
            assertThat(error).hasCauseInstanceOf(IllegalStateException.class);
        } finally {
            scope.close();
        }
        assertThat(DualWrite.currentRoutingKey()).isEmpty();
    }

    @Test
    void invalidKeysAreRefusedBeforeAnythingIsSet() {
        assertThatThrownBy(() -> DualWrite.routeBy(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DualWrite.routeBy(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThat(DualWrite.currentRoutingKey()).isEmpty();
    }
}
