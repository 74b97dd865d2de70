package io.github.dualwrite;

import io.github.dualwrite.config.RoutingKey;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.sync.RowSync;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Keeps one user's writes from running with different sides first at the same time in this process. That
 * happens for a moment whenever a user's authority changes (a stage move, a gray share across READ_NEW and
 * NEW_PRIMARY, the journal holding a user on the side that is not behind): a write decided before the change
 * and one decided after would lock the sides in opposite orders and commit them in opposite orders, and a
 * repair copying between them could see a row committed on one side and not yet on the other. A write that
 * finds the user's writes running the other way waits for them (at most a bounded time), then goes ahead.
 * Costs one map lookup per dual write; nothing when no two writes of a user overlap.
 */
final class KeyFence {

    private final Map<Key, Slot> slots = new ConcurrentHashMap<>();

    /** A user of a unit. */
    private record Key(String unit, RoutingKey user) {
    }

    /**
     * The writes of one user in progress, by the side they took first, and the writes waiting to enter; guarded by
     * itself. Dropped from the map only when nothing runs and nobody waits, so a waiter always counts itself in
     * the slot later entrants see.
     */
    private static final class Slot {
        final int[] running = new int[2];
        int waiting;
        boolean removed;
    }

    /** A write's place in the fence; closing it lets writes the other way in. */
    final class Ticket implements RowSync.LiveWrites.Fence {
        private final Key key;
        private final Slot slot;
        private final int side;
        private boolean closed;

        private Ticket(Key key, Slot slot, int side) {
            this.key = key;
            this.slot = slot;
            this.side = side;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            synchronized (slot) {
                slot.running[side]--;
                dropIfIdle(key, slot);
                slot.notifyAll();
            }
        }
    }

    /** Drops {@code slot} when no write runs or waits; the caller holds its monitor. */
    private void dropIfIdle(Key key, Slot slot) {
        if (slot.running[0] == 0 && slot.running[1] == 0 && slot.waiting == 0) {
            slot.removed = true;
            slots.remove(key, slot);
        }
    }

    /**
     * Enters for a write of {@code user} taking {@code first} first, after writes the other way ended or
     * {@code timeoutNanos} passed. Returns whether it waited in vain (writes the other way still run).
     */
    Ticket enter(String unit, RoutingKey user, Side first, long timeoutNanos, boolean[] timedOut) {
        Key key = new Key(unit, user);
        int mine = first.ordinal();
        int other = 1 - mine;
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            Slot slot = slots.computeIfAbsent(key, k -> new Slot());
            synchronized (slot) {
                if (slot.removed) {
                    continue; // emptied and dropped meanwhile: take the new one
                }
                boolean interrupted = false;
                slot.waiting++;
                try {
                    while (slot.running[other] > 0) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            if (timedOut != null) {
                                timedOut[0] = true;
                            }
                            break;
                        }
                        try {
                            TimeUnit.NANOSECONDS.timedWait(slot, left);
                        } catch (InterruptedException e) {
                            interrupted = true;
                        }
                    }
                } finally {
                    slot.waiting--;
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                slot.running[mine]++;
                return new Ticket(key, slot, mine);
            }
        }
    }
}
