package io.github.dualwrite.jdbc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.github.dualwrite.config.RoutingKey;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.journal.Journal;
import io.github.dualwrite.journal.JournalEntry;
import io.github.dualwrite.journal.JournalListener;
import io.github.dualwrite.journal.UnresolvedGroup;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-your-writes guard: which users have unresolved journal entries, per table and side behind. A user
 * whose rows are behind on a side is not read from that side (nor trusted there) until the entry is repaired.
 *
 * <p>Fed by this process's journal appends at once, cleared when this process's repairer resolves entries,
 * rebuilt from the journal at start and refreshed periodically so that other instances' entries count too.
 * Bounded: past {@code maxKeys} users a whole unit is treated as behind on that side (reads stay correct, only
 * less of them go to the side being moved to) until a refresh finds the backlog small enough again.
 */
final class DirtyKeys implements JournalListener {

    private static final Logger log = LoggerFactory.getLogger(DirtyKeys.class);
    static final int OLD_BEHIND = 1;
    static final int NEW_BEHIND = 2;

    private final Journal journal;
    private final int maxKeys;
    private volatile Cache<Key, Mark> keys;
    private final Map<String, Integer> unitWide = new ConcurrentHashMap<>();
    /** Appends since the refresh in progress began: re-added after it swaps in what it read. */
    private final ConcurrentLinkedQueue<Map.Entry<Key, Mark>> recent = new ConcurrentLinkedQueue<>();
    private volatile boolean empty = true;
    private volatile boolean refreshing;

    DirtyKeys(Journal journal, int maxKeys) {
        this.journal = journal;
        this.maxKeys = maxKeys;
        this.keys = newCache();
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

    private Cache<Key, Mark> newCache() {
        return Caffeine.newBuilder().maximumSize(maxKeys).executor(Runnable::run)
                .removalListener((Key k, Mark mark, RemovalCause cause) -> {
                    if (cause == RemovalCause.SIZE && k != null && mark != null) {
                        overflow(k.unit(), mark.bits());
                    }
                }).build();
    }

    private void overflow(String unit, int bits) {
        Integer before = unitWide.merge(unit, bits, (a, b) -> a | b);
        if (before == bits) {
            log.warn("dualwrite: more than {} users of unit {} have unrepaired journal entries; until the journal is"
                    + " drained every user of the unit is read from the side that is not behind", maxKeys, unit);
        }
        empty = false;
    }

    /** Sides behind for a user's rows: {@link #OLD_BEHIND}, {@link #NEW_BEHIND}, both or 0. */
    int behind(String unit, RoutingKey user) {
        if (empty) {
            return 0;
        }
        Integer wide = unitWide.get(unit);
        Mark mark = keys.getIfPresent(new Key(unit, user));
        return (wide == null ? 0 : wide) | (mark == null ? 0 : mark.bits());
    }

    /** Whether any user of {@code unit} has rows behind. */
    boolean any(String unit) {
        if (empty) {
            return false;
        }
        if (unitWide.containsKey(unit)) {
            return true;
        }
        return keys.asMap().keySet().stream().anyMatch(k -> k.unit().equals(unit));
    }

    /** Users with rows behind, for status. */
    long size() {
        return keys.estimatedSize();
    }

    static int bit(Side side) {
        return side == Side.OLD ? OLD_BEHIND : NEW_BEHIND;
    }

    @Override
    public void recorded(List<JournalEntry> entries) {
        for (JournalEntry e : entries) {
            Key k = key(e.unit(), e.routingKey());
            if (k != null) {
                Mark mark = Mark.of(e.failedSide(), 1);
                keys.asMap().merge(k, mark, Mark::plus);
                empty = false;
                if (refreshing) {
                    recent.add(Map.entry(k, mark));
                }
            }
        }
    }

    @Override
    public void resolved(List<JournalEntry> entries) {
        for (JournalEntry e : entries) {
            Key k = key(e.unit(), e.routingKey());
            if (k != null) {
                keys.asMap().computeIfPresent(k, (key, mark) -> mark.repaired(e.failedSide()));
            }
        }
    }

    /** Rebuilds from the journal's unresolved entries (this instance's and every other's). */
    synchronized void refresh() {
        refreshing = true;
        try {
            List<UnresolvedGroup> groups = journal.unresolved();
            Cache<Key, Mark> fresh = newCache();
            Map<String, Integer> wide = new java.util.HashMap<>();
            long users = groups.stream().filter(g -> g.routingKey() != null).count();
            for (UnresolvedGroup g : groups) {
                Key k = key(g.unit(), g.routingKey());
                if (k == null) {
                    continue;
                }
                if (users > maxKeys) {
                    wide.merge(g.unit(), bit(g.behind()), (a, b) -> a | b);
                } else {
                    fresh.asMap().merge(k, Mark.of(g.behind(), g.count()), Mark::plus);
                }
            }
            keys = fresh;
            unitWide.clear();
            unitWide.putAll(wide);
            Map.Entry<Key, Mark> added;
            while ((added = recent.poll()) != null) {
                fresh.asMap().merge(added.getKey(), added.getValue(), Mark::plus);
            }
            empty = fresh.estimatedSize() == 0 && wide.isEmpty();
        } finally {
            refreshing = false;
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
