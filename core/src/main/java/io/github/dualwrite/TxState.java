package io.github.dualwrite;

import io.github.dualwrite.config.Side;
import io.github.dualwrite.journal.JournalEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * What the current transaction of a logical connection holds beyond its pinned routes: which sides hold
 * authoritative writes, the secondary writes that ran (to journal if the secondary commit fails), and the
 * journal entries that wait for the commit. Entries are written after the authority commits, so that
 * entries about a transaction that rolled back never reach the journal, and a repairer never sees an entry
 * before the data it is about.
 */
final class TxState {

    final TxPins pins;
    final List<SecondaryWork> secondaryWrites = new ArrayList<>();
    /** Entries dropped again if the transaction rolls back to a savepoint set before them. */
    final List<JournalEntry> journal = new ArrayList<>();
    /** Entries about the secondary transaction being abandoned: they outlive savepoint rollbacks. */
    final List<JournalEntry> abandonment = new ArrayList<>();
    private final boolean[] authoritative = new boolean[2];
    /** The secondary transaction was rolled back after a failure: later secondary writes are journaled only. */
    boolean secondaryAbandoned;
    /** Some secondary write did not apply: reads stay on the authority until the end of the transaction. */
    boolean secondaryBehind;
    /** The key fence tickets of the transaction's dual writes, closed when it ends. */
    private List<KeyFence.Ticket> fences;
    /** Whether its secondary writes run ASYNC (kept in {@link #secondaryWrites} until the commit); null undecided. */
    Boolean async;
    /** The secondary side of its ASYNC writes. */
    Side asyncSide;
    /** The stripe generations its ASYNC writes saw, one stamp per write. */
    private final List<AsyncLanes.Stamp> stamps = new ArrayList<>();

    /** Keeps an ASYNC write until the commit queues it. */
    void queue(Side side, SecondaryWork work, AsyncLanes.Stamp stamp) {
        asyncSide = side;
        keep(work);
        stamps.add(stamp);
    }

    /** The stamps of the ASYNC writes as one. */
    AsyncLanes.Stamp stamp() {
        int n = stamps.stream().mapToInt(s -> s.stripes().length).sum();
        int[] stripes = new int[n];
        long[] seen = new long[n];
        int i = 0;
        for (AsyncLanes.Stamp s : stamps) {
            System.arraycopy(s.stripes(), 0, stripes, i, s.stripes().length);
            System.arraycopy(s.seen(), 0, seen, i, s.seen().length);
            i += s.stripes().length;
        }
        return new AsyncLanes.Stamp(stripes, seen);
    }

    /** The fence tickets, for the ASYNC writes to close once they ran; the transaction then closes none. */
    List<KeyFence.Ticket> takeFences() {
        List<KeyFence.Ticket> t = fences == null ? List.of() : fences;
        fences = null;
        return t;
    }

    void hold(List<KeyFence.Ticket> tickets) {
        if (fences == null) {
            fences = new ArrayList<>(tickets.size());
        }
        fences.addAll(tickets);
    }

    /** Lets the users' writes with the other side first in again: the transaction has ended. */
    void closeFences() {
        if (fences != null) {
            fences.forEach(KeyFence.Ticket::close);
            fences = null;
        }
    }

    /** Bytes of parameters {@link #secondaryWrites} may keep; past it, writes are kept by key only. */
    private final long maxBufferedBytes;
    private long bufferedBytes;

    TxState(TxPins pins, long maxBufferedBytes) {
        this.pins = pins;
        this.maxBufferedBytes = maxBufferedBytes;
    }

    /**
     * Keeps a secondary write that ran, for the journal should the secondary commit fail. Within the byte
     * budget it is kept whole; past it only by routing and primary key (its values dropped), so that a long
     * transaction of large writes cannot hold unbounded memory and a failed commit still journals every row.
     */
    void keep(SecondaryWork work) {
        long size = work.estimatedBytes();
        if (bufferedBytes + size <= maxBufferedBytes) {
            bufferedBytes += size;
            secondaryWrites.add(work);
        } else {
            secondaryWrites.add(work.keysOnly());
        }
    }

    /** Records that {@code side} holds writes for which it is authoritative. */
    void wroteAuthoritative(Side side) {
        authoritative[side.ordinal()] = true;
        pins.pinAuthority(side);
    }

    boolean holdsAuthoritativeWrites(Side side) {
        return authoritative[side.ordinal()];
    }

    /** The side committed first: the transaction's authority, or {@code home} before any write. */
    Side authority(Side home) {
        return pins.authority() != null ? pins.authority() : home;
    }

    /** Everything to journal once the authority has committed. */
    List<JournalEntry> journalOnCommit() {
        List<JournalEntry> all = new ArrayList<>(abandonment);
        all.addAll(journal);
        return all;
    }
}
