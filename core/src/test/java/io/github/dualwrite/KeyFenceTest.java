package io.github.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dualwrite.config.RoutingKey;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.testing.Poll;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One user's writes never run with opposite sides first at once, also when a waiter gets in. */
class KeyFenceTest {

    private static final RoutingKey USER = RoutingKey.of(7L);
    private static final long LONG = TimeUnit.MINUTES.toNanos(1);
    private final KeyFence fence = new KeyFence();
    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void aWaiterThatGetsInIsSeenByTheNextWriteTheOtherWay() throws Exception {
        KeyFence.Ticket oldFirst = fence.enter("points", USER, Side.OLD, LONG, null);
        AtomicReference<Thread> waiter = new AtomicReference<>();
        CompletableFuture<KeyFence.Ticket> newFirst = CompletableFuture.supplyAsync(() -> {
            waiter.set(Thread.currentThread());
            return fence.enter("points", USER, Side.NEW, LONG, null);
        }, threads);
        Poll.until(Duration.ofSeconds(10), () -> waiter.get() != null
                && waiter.get().getState() == Thread.State.TIMED_WAITING);
        assertThat(newFirst).isNotDone();

        oldFirst.close(); // the slot is empty for a moment, but its waiter is about to run
        KeyFence.Ticket running = newFirst.get(10, TimeUnit.SECONDS);

        boolean[] timedOut = new boolean[1];
        KeyFence.Ticket late = fence.enter("points", USER, Side.OLD, TimeUnit.MILLISECONDS.toNanos(50), timedOut);
        assertThat(timedOut[0]).as("an OLD-first write must wait for the NEW-first one that got in").isTrue();
        late.close();
        running.close();

        boolean[] free = new boolean[1];
        fence.enter("points", USER, Side.OLD, TimeUnit.MILLISECONDS.toNanos(50), free).close();
        assertThat(free[0]).as("nothing runs any more").isFalse();
    }

    @Test
    void writesTheSameWayNeverWaitForEachOther() {
        boolean[] timedOut = new boolean[1];
        KeyFence.Ticket a = fence.enter("points", USER, Side.NEW, 0, timedOut);
        KeyFence.Ticket b = fence.enter("points", USER, Side.NEW, 0, timedOut);
        assertThat(timedOut[0]).isFalse();
        a.close();
        a.close(); // twice is once
        boolean[] other = new boolean[1];
        fence.enter("points", USER, Side.OLD, 0, other).close();
        assertThat(other[0]).as("b still runs NEW first").isTrue();
        b.close();
    }
}
