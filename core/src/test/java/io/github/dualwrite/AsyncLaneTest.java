package io.github.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dualwrite.testing.Poll;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One ASYNC lane: order, capacity, and a stop that leaves what was still queued to the closer. */
class AsyncLaneTest {

    @Test
    void runsItsWorkInTheOrderItWasOffered() {
        AsyncLane lane = new AsyncLane("lane-order-test", 100);
        StringBuffer ran = new StringBuffer();
        for (int i = 0; i < 10; i++) {
            int n = i;
            assertThat(lane.offer(() -> ran.append(n))).isTrue();
        }
        Poll.until(Duration.ofSeconds(10), () -> lane.size() == 0);
        assertThat(ran).hasToString("0123456789");
        lane.close();
    }

    @Test
    void refusesWorkBeyondItsCapacityAndAfterClose() throws Exception {
        AsyncLane lane = new AsyncLane("lane-capacity-test", 2);
        CountDownLatch release = new CountDownLatch(1);
        assertThat(lane.offer(() -> await(release))).isTrue();
        assertThat(lane.offer(() -> { })).isTrue();
        assertThat(lane.offer(() -> { })).as("queued plus running is the capacity").isFalse();
        release.countDown();
        Poll.until(Duration.ofSeconds(10), () -> lane.size() == 0);
        lane.close();
        assertThat(lane.offer(() -> { })).isFalse();
        assertThat(lane.awaitEnd(System.nanoTime() + TimeUnit.SECONDS.toNanos(10))).isTrue();
    }

    /**
     * stopNow interrupts the running work, then takes what is queued: a lane that went on taking work once
     * interrupted would run it (or fail it at once, as interrupted) instead of leaving it to be journaled as not
     * run. The interrupt and the drain are apart here, the order a busy machine can give them.
     */
    @Test
    void anInterruptedLaneTakesNoMoreWorkSoTheCloserGetsEverythingStillQueued() throws Exception {
        AsyncLane lane = new AsyncLane("lane-stop-test", 100);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        AtomicInteger ranAfter = new AtomicInteger();
        Thread[] laneThread = new Thread[1];
        assertThat(lane.offer(() -> {
            laneThread[0] = Thread.currentThread();
            running.countDown();
            try {
                new CountDownLatch(1).await(); // a secondary call that waits until it is interrupted
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // as the secondary runner does
                interrupted.countDown();
            }
        })).isTrue();
        for (int i = 0; i < 5; i++) {
            assertThat(lane.offer(ranAfter::incrementAndGet)).isTrue();
        }
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        lane.close();
        laneThread[0].interrupt(); // stopNow's first half
        assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(lane.awaitEnd(System.nanoTime() + TimeUnit.SECONDS.toNanos(10))).as("the lane ended").isTrue();
        List<Runnable> left = lane.stopNow();
        assertThat(ranAfter).as("work run after the interrupt").hasValue(0);
        assertThat(left).hasSize(5);
        assertThat(lane.size()).isZero();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
