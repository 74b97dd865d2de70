package io.github.dualwrite;

import io.github.dualwrite.config.RoutingKey;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.journal.Journal;
import io.github.dualwrite.journal.JournalEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-your-writes guard: which users have unresolved journal entries, by the side behind. A user whose
 * rows are behind on a side is not read from that side (nor trusted there) until the entries are repaired.
 *
 * <p>Fed by this process's journal appends at once, lowered when this process's repairer resolves entries
 * (told before the journal stores it), rebuilt from the journal at start and refreshed periodically so that
 * other instances' entries count too. Every error it can make errs towards holding a user: an entry told
 * while a refresh reads may be counted twice until the next refresh, never not at all.
 *
 * <p>Bounded: past {@code maxKeys} users a whole unit is held on the side behind (reads stay right, fewer of
 * them go to the side being moved to) until a refresh finds the backlog small enough again. A plain map under
 * one lock rather than an evicting cache: once the bound is hit the unit is held whole anyway, and an eviction
 * callback running inside the cache's own lock could deadlock against this one.
 */
final class DirtyKeys implements Journal.Listener {

    private static final Logger log = LoggerFactory.getLogger(DirtyKeys.class);
    static final int OLD_BEHIND = 1;
    static final int NEW_BEHIND = 2;

    private final Journal journal;
    private final int maxKeys;
    /** Guards every change; readers take none (they read the volatile view). */
    private final Object lock = new Object();
    private volatile View view = View.empty();
    /** Appends told since the refresh in progress began: added again after it swaps in what it read. */
    private final List<JournalEntry> recent = new ArrayList<>();
    private boolean refreshing;

    DirtyKeys(Journal journal, int maxKeys) {
        this.journal = journal;
        this.maxKeys = maxKeys;
    }

    /** A user of a unit: one table behind holds the user's whole unit (a transaction spans its tables). */
    record Key(String unit, RoutingKey user) {
    }

    /**
     * How many unresolved entries say each side is behind for a key: a repair takes off the entries it
     * resolved, so an entry written while an older one was being repaired keeps the key marked.
     */
    record Mark(long oldBehind, long newBehind) {
        static Mark of(Side side, long count) {
            return side == Side.OLD ? new Mark(count, 0) : new Mark(0, count);
        }

        int bits() {
            return (oldBehind > 0 ? OLD_BEHIND : 0) | (newBehind > 0 ? NEW_BEHIND : 0);
        }

        Mark plus(Mark o) {
            return new Mark(oldBehind + o.oldBehind, newBehind + o.newBehind);
        }

        /** This mark with one entry of {@code side} repaired; null when nothing is left. */
        Mark repaired(Side side) {
            Mark m = side == Side.OLD ? new Mark(Math.max(0, oldBehind - 1), newBehind)
                    : new Mark(oldBehind, Math.max(0, newBehind - 1));
            return m.bits() == 0 ? null : m;
        }
    }

    /**
     * The marks readers see: per user, per unit held whole, and how many users each unit has marked (so that
     * {@link #any} costs one lookup). The maps change only under the lock; {@code wide} is replaced, never changed.
     */
    private record View(Map<Key, Mark> keys, Map<String, Integer> perUnit, Map<String, Integer> wide) {
        static View empty() {
            return new View(new ConcurrentHashMap<>(), new ConcurrentHashMap<>(), Map.of());
        }

        boolean isEmpty() {
            return keys.isEmpty() && wide.isEmpty();
        }
    }

    /**
     * Sides behind for a user's rows: {@link #OLD_BEHIND}, {@link #NEW_BEHIND}, both or 0. Counts unresolved
     * journal entries and ASYNC secondary writes still queued in this process.
     */
    int behind(String unit, RoutingKey user) {
        int queuedBits = queuedKeys.get() == 0 ? 0 : queued(unit, user);
        int bufferedBits = 0;
        if (bufferedKeys.get() != 0) {
            Mark m = buffered.get(new Key(unit, user));
            bufferedBits = m == null ? 0 : m.bits();
        }
        return journalBehind(unit, user) | queuedBits | bufferedBits;
    }

    /** {@link #behind} counting unresolved journal entries only. */
    int journalBehind(String unit, RoutingKey user) {
        View v = view;
        if (v.isEmpty()) {
            return 0;
        }
        Integer wide = v.wide.get(unit);
        Mark mark = v.keys.get(new Key(unit, user));
        return (wide == null ? 0 : wide) | (mark == null ? 0 : mark.bits());
    }

    /** ASYNC secondary writes queued and not yet run or journaled, by user: they hold the user like an entry. */
    private final Map<Key, Mark> queued = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger queuedKeys = new java.util.concurrent.atomic.AtomicInteger();

    /** Whether any ASYNC write is queued at all (one read: the common answer is no). */
    boolean anyQueued() {
        return queuedKeys.get() != 0;
    }

    /** Sides with ASYNC writes of the user still queued. */
    int queued(String unit, RoutingKey user) {
        Mark m = queued.get(new Key(unit, user));
        return m == null ? 0 : m.bits();
    }

    /** Counts an ASYNC write of {@code user} queued for {@code side} ({@code delta} 1) or finished (-1). */
    void queued(String unit, RoutingKey user, Side side, int delta) {
        count(queued, queuedKeys, new Key(unit, user), side, delta);
    }

    /**
     * Entries of writes skipped during an outage and not stored yet ({@link OutageCovers}), by user: they hold
     * the user like an entry, but unlike a queued ASYNC write they do not make a SYNC write wait.
     */
    private final Map<Key, Mark> buffered = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger bufferedKeys = new java.util.concurrent.atomic.AtomicInteger();

    /** Counts an entry of {@code user} buffered for {@code side} ({@code delta} 1) or stored (-1). */
    void buffered(String unit, RoutingKey user, Side side, int delta) {
        count(buffered, bufferedKeys, new Key(unit, user), side, delta);
    }

    private static void count(Map<Key, Mark> marks, java.util.concurrent.atomic.AtomicInteger keys, Key key, Side side,
                              int delta) {
        marks.compute(key, (k, m) -> {
            Mark next = (m == null ? new Mark(0, 0) : m).plus(Mark.of(side, delta));
            if (next.bits() == 0 || next.oldBehind() < 0 || next.newBehind() < 0) {
                if (m != null) {
                    keys.decrementAndGet();
                }
                return null;
            }
            if (m == null) {
                keys.incrementAndGet();
            }
            return next;
        });
    }

    /** Whether any user of {@code unit} has rows behind. */
    boolean any(String unit) {
        View v = view;
        return !v.isEmpty() && (v.wide.containsKey(unit) || v.perUnit.containsKey(unit));
    }

    /** Users with rows behind, for status. */
    long size() {
        return view.keys.size();
    }

    static int bit(Side side) {
        return side == Side.OLD ? OLD_BEHIND : NEW_BEHIND;
    }

    @Override
    public void recorded(List<JournalEntry> entries) {
        synchronized (lock) {
            View v = view;
            for (JournalEntry e : entries) {
                Key k = key(e.unit(), e.routingKey());
                if (k != null) {
                    v = add(v, k, Mark.of(e.failedSide(), 1));
                    if (refreshing) {
                        recent.add(e);
                    }
                }
            }
            view = v;
        }
    }

    /**
     * Told before the journal stores the change (see {@link Journal.Listener#resolved}). Not replayed over a
     * refresh in progress: the refresh may have read the entries before or after they were closed, and counting
     * them once too often only holds a user a little longer, while counting them twice off would free a user
     * whose rows are still behind.
     */
    @Override
    public void resolved(List<JournalEntry> entries) {
        synchronized (lock) {
            View v = view;
            for (JournalEntry e : entries) {
                Key k = key(e.unit(), e.routingKey());
                Mark mark = k == null ? null : v.keys.get(k);
                if (mark == null) {
                    continue;
                }
                Mark left = mark.repaired(e.failedSide());
                if (left != null) {
                    v.keys.put(k, left);
                } else {
                    v.keys.remove(k);
                    v.perUnit.computeIfPresent(k.unit(), (u, n) -> n > 1 ? n - 1 : null);
                }
            }
        }
    }

    @Override
    public void changed() {
        refreshQuietly();
    }

    /**
     * Rebuilds from the journal's unresolved entries (this instance's and every other's). Appends told while
     * it reads are added again after it (they may be counted twice: a user is held a little longer, never
     * freed too early); the next refresh counts them right.
     */
    synchronized void refresh() {
        synchronized (lock) {
            refreshing = true;
            recent.clear();
        }
        try {
            List<Journal.UnresolvedGroup> groups = journal.unresolved();
            long users = groups.stream().filter(g -> g.routingKey() != null).count();
            View fresh = View.empty();
            Map<String, Integer> wide = new HashMap<>();
            for (Journal.UnresolvedGroup g : groups) {
                Key k = key(g.unit(), g.routingKey());
                if (k == null) {
                    continue;
                }
                if (users > maxKeys) {
                    wide.merge(g.unit(), bit(g.behind()), (a, b) -> a | b);
                } else {
                    fresh = add(fresh, k, Mark.of(g.behind(), g.count()));
                }
            }
            synchronized (lock) {
                View next = widen(fresh, wide);
                for (JournalEntry e : recent) {
                    next = add(next, key(e.unit(), e.routingKey()), Mark.of(e.failedSide(), 1));
                }
                view = next;
            }
        } finally {
            synchronized (lock) {
                refreshing = false;
                recent.clear();
            }
        }
    }

    /** Refreshes, logging instead of throwing: a journal that cannot be read keeps the last known state. */
    void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            log.warn("dualwrite: cannot read the journal to refresh the read-your-writes guard ({}); keeping the"
                    + " users known so far", e.getMessage());
        }
    }

    /** {@code v} with {@code mark} added for {@code k}, or its unit held whole when the bound is reached. */
    private View add(View v, Key k, Mark mark) {
        if (!v.keys.containsKey(k) && v.keys.size() >= maxKeys) {
            Map<String, Integer> more = new HashMap<>();
            more.put(k.unit(), mark.bits());
            return widen(v, more);
        }
        if (v.keys.merge(k, mark, Mark::plus) == mark) {
            v.perUnit.merge(k.unit(), 1, Integer::sum);
        }
        return v;
    }

    /** {@code v} with the units of {@code more} held whole on their sides (a new view when anything changes). */
    private View widen(View v, Map<String, Integer> more) {
        if (more.isEmpty()) {
            return v;
        }
        Map<String, Integer> wide = new HashMap<>(v.wide);
        more.forEach((unit, bits) -> {
            Integer before = wide.get(unit);
            wide.merge(unit, bits, (a, b) -> a | b);
            if (before == null && !this.view.wide.containsKey(unit)) {
                log.warn("dualwrite: more than {} users of unit {} have unrepaired journal entries; until the journal is"
                        + " drained every user of the unit is read from the side that is not behind", maxKeys, unit);
            }
        });
        return new View(v.keys, v.perUnit, Map.copyOf(wide));
    }

    private static Key key(String unit, String routingKey) {
        if (routingKey == null) {
            return null;
        }
        try {
            return new Key(unit, RoutingKey.of(routingKey));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
