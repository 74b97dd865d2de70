package io.github.dualwrite.config;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The switch board: holds the document in force and swaps in new ones, all or nothing.
 *
 * <p>{@link #apply} parses, validates, checks every stage move against the document in force, swaps one
 * atomic reference, logs one audit line (version, source, what changed) and then tells the listeners.
 * A document that fails any step is rejected with its reasons, counted, and the last good one stays.
 * Readers ({@link #current()}) never lock and never see half a document.
 *
 * <p>The first document a control accepts is its starting point and is not checked for stage moves: an
 * application restarted in the middle of a migration starts in whatever stage the document says.
 */
public final class MigrationControl {

    private static final Logger log = LoggerFactory.getLogger(MigrationControl.class);

    private final AtomicReference<Snapshot> current;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final List<Validator> validators = new CopyOnWriteArrayList<>();
    private final List<Gate> gates = new CopyOnWriteArrayList<>();
    private final AtomicLong rejected = new AtomicLong();
    private final Clock clock;
    private final Object applyLock = new Object();

    private MigrationControl(Clock clock) {
        this.clock = clock;
        this.current = new AtomicReference<>(new Snapshot(0, MigrationConfig.EMPTY, "none", clock.instant()));
    }

    /** A control that starts with {@code initial} (version 1) and the system clock. */
    public static MigrationControl start(MigrationConfig initial, String source) {
        MigrationControl control = new MigrationControl(Clock.systemUTC());
        control.apply(initial, source).orThrow();
        return control;
    }

    /** A control holding no document yet (version 0: nothing migrated) that reads time from {@code clock}. */
    public static MigrationControl empty(Clock clock) {
        return new MigrationControl(Objects.requireNonNull(clock, "clock"));
    }

    /** The document in force. */
    public Snapshot current() {
        return current.get();
    }

    /** How many documents were rejected since start. */
    public long rejectedCount() {
        return rejected.get();
    }

    /** Adds a listener; it is told about changes accepted after this call. */
    public void addListener(Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Adds a check every later document must pass. The document in force is checked at once.
     *
     * @throws InvalidConfigException when the document in force does not pass it
     */
    public void addValidator(Validator validator) {
        Objects.requireNonNull(validator, "validator");
        synchronized (applyLock) {
            List<ConfigProblem> problems = validator.validate(current.get().config());
            if (!problems.isEmpty()) {
                throw new InvalidConfigException(problems);
            }
            validators.add(validator);
        }
    }

    /** Removes a validator. */
    public void removeValidator(Validator validator) {
        validators.remove(validator);
    }

    /**
     * Adds a gate every later change must pass (see {@link Gate}); its problems hold a change back unless
     * the document says {@code force: true}.
     */
    public void addGate(Gate gate) {
        gates.add(Objects.requireNonNull(gate, "gate"));
    }

    /** Removes a gate. */
    public void removeGate(Gate gate) {
        gates.remove(gate);
    }

    /** Removes a listener. */
    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    /** Parses {@code text} and applies it; a syntax or validation error rejects it like any other problem. */
    public ApplyResult apply(String text, MigrationConfig.Format format, String source) {
        MigrationConfig next;
        try {
            next = MigrationConfig.parse(text, format);
        } catch (InvalidConfigException e) {
            return reject(source, e.problems());
        }
        return apply(next, source);
    }

    /** Applies a validated document. */
    public ApplyResult apply(MigrationConfig next, String source) {
        return apply(next, source, true);
    }

    /**
     * Applies a document a shared source published after checking its move ({@link #check}) against the
     * version it replaced: every instance then takes it, whatever it saw in between, so that no instance
     * stays behind the others because its own look at the journal (or at an intermediate version it missed)
     * differs. Validators still run: they say what this instance can do.
     */
    public ApplyResult applyPublished(MigrationConfig next, String source) {
        return apply(next, source, false);
    }

    /**
     * What {@link #apply} would say about moving from {@code before} (null: nothing yet) to {@code next},
     * without applying it: validators, stage moves and gates. Empty when it would be accepted (a document
     * with {@code force: true} passes the moves and gates it forces). For tools that publish a document
     * every instance then takes ({@link #applyPublished}).
     */
    public List<ConfigProblem> check(MigrationConfig before, MigrationConfig next) {
        List<ConfigProblem> problems = validate(next);
        if (problems.isEmpty() && before != null && !next.force()) {
            problems.addAll(held(before, next));
        }
        return problems;
    }

    private List<ConfigProblem> validate(MigrationConfig next) {
        List<ConfigProblem> refused = new ArrayList<>();
        for (Validator validator : validators) {
            try {
                refused.addAll(validator.validate(next));
            } catch (RuntimeException e) {
                refused.add(new ConfigProblem("", "check " + validator.getClass().getName() + " failed: " + e));
            }
        }
        return refused;
    }

    private ApplyResult apply(MigrationConfig next, String source, boolean checkMoves) {
        Objects.requireNonNull(next, "next");
        Objects.requireNonNull(source, "source");
        Change change;
        synchronized (applyLock) {
            Snapshot before = current.get();
            if (before.version() > 0 && before.config().equals(next)) {
                return new ApplyResult(ApplyResult.Outcome.UNCHANGED, before, List.of(), List.of(), List.of());
            }
            List<ConfigProblem> refused = validate(next);
            if (!refused.isEmpty()) {
                return reject(source, refused);
            }
            List<ConfigProblem> illegal = before.version() == 0 || !checkMoves ? List.of() : held(before.config(), next);
            List<String> forced = new ArrayList<>();
            if (!illegal.isEmpty()) {
                if (!next.force()) {
                    return reject(source, illegal);
                }
                illegal.forEach(p -> forced.add(p.toString()));
            }
            Snapshot after = new Snapshot(before.version() + 1, next, source, clock.instant());
            current.set(after);
            change = new Change(before, after, diff(before.config(), next), forced);
        }
        audit(change);
        for (Listener listener : listeners) {
            try {
                listener.onChange(change);
            } catch (RuntimeException | LinkageError e) {
                log.warn("dualwrite config listener {} failed on v{}; the change stays in force",
                        listener.getClass().getName(), change.current().version(), e);
            }
        }
        return new ApplyResult(ApplyResult.Outcome.ACCEPTED, change.current(), List.of(), change.changes(),
                change.forced());
    }

    /** The illegal moves and every gate's problems; what {@code force: true} lets through. */
    private List<ConfigProblem> held(MigrationConfig before, MigrationConfig next) {
        List<ConfigProblem> problems = new ArrayList<>(StageMoves.illegal(before, next));
        for (Gate gate : gates) {
            try {
                problems.addAll(gate.check(before, next));
            } catch (RuntimeException e) {
                problems.add(new ConfigProblem("", "gate " + gate.getClass().getName() + " could not check the change: " + e
                        + "; fix that, or set force: true"));
            }
        }
        return problems;
    }

    private ApplyResult reject(String source, List<ConfigProblem> problems) {
        rejected.incrementAndGet();
        Snapshot kept = current.get();
        log.warn("dualwrite config from {} rejected, v{} stays in force: {}", Secrets.mask(source), kept.version(),
                Secrets.mask(new InvalidConfigException(problems).getMessage()));
        for (Listener listener : listeners) {
            try {
                listener.onRejected(source, problems);
            } catch (RuntimeException | LinkageError e) {
                log.warn("dualwrite config listener {} failed on a rejection", listener.getClass().getName(), e);
            }
        }
        return new ApplyResult(ApplyResult.Outcome.REJECTED, kept, problems, List.of(), List.of());
    }

    private static void audit(Change change) {
        Snapshot s = change.current();
        String what = change.changes().isEmpty() ? "initial document" : String.join("; ", change.changes());
        log.info("dualwrite config v{} accepted from {}: {}", s.version(), Secrets.mask(s.source()), what);
        if (!change.forced().isEmpty()) {
            log.warn("dualwrite config v{} from {} FORCED illegal stage moves: {}", s.version(), Secrets.mask(s.source()),
                    String.join("; ", change.forced()));
        }
    }

    private static String shown(String value, boolean secret) {
        return value == null ? "(unset)" : secret ? Secrets.maskValue(value) : Secrets.mask(value);
    }

    /** One line per changed setting, in key order. */
    static List<String> diff(MigrationConfig before, MigrationConfig after) {
        if (before == MigrationConfig.EMPTY) {
            return List.of();
        }
        Map<String, String> a = before.toProperties();
        Map<String, String> b = after.toProperties();
        TreeMap<String, String> keys = new TreeMap<>(a);
        keys.putAll(b);
        List<String> lines = new ArrayList<>();
        for (String key : keys.keySet()) {
            String x = a.get(key);
            String y = b.get(key);
            if (!Objects.equals(x, y)) {
                boolean secret = key.endsWith("password");
                lines.add(key + ": " + shown(x, secret) + " -> " + shown(y, secret));
            }
        }
        return lines;
    }

    /**
     * What {@link MigrationControl#apply} did with a document.
     *
     * @param outcome  accepted, unchanged (equal to the current document) or rejected
     * @param current  the document in force afterwards (the previous one when rejected or unchanged)
     * @param problems why it was rejected; empty otherwise
     * @param changes  what changed, one line per setting ({@code units.points.gray.ratio: 100 -> 500})
     * @param forced   the illegal stage moves that {@code force: true} let through
     */
    public record ApplyResult(Outcome outcome, Snapshot current, List<ConfigProblem> problems, List<String> changes,
                              List<String> forced) {

        /** The three things that can happen to a document. */
        public enum Outcome {
            /** Swapped in as a new version. */
            ACCEPTED,
            /** Valid and equal to the current document: nothing to do. */
            UNCHANGED,
            /** Invalid or an illegal move: the current document stays. */
            REJECTED
        }

        /** Copies the lists. */
        public ApplyResult {
            problems = List.copyOf(problems);
            changes = List.copyOf(changes);
            forced = List.copyOf(forced);
        }

        /** Whether the document is now in force (accepted or unchanged). */
        public boolean isInForce() {
            return outcome != Outcome.REJECTED;
        }

        /** Returns this result, or throws {@link InvalidConfigException} with every problem if it was rejected. */
        public ApplyResult orThrow() {
            if (outcome == Outcome.REJECTED) {
                throw new InvalidConfigException(problems);
            }
            return this;
        }
    }

    /**
     * An accepted change, as told to {@link Listener}s.
     *
     * @param previous the document that was in force
     * @param current  the document now in force
     * @param changes  one line per changed setting
     * @param forced   illegal stage moves let through by {@code force: true}
     */
    public record Change(Snapshot previous, Snapshot current, List<String> changes, List<String> forced) {

        /** Copies the lists. */
        public Change {
            changes = List.copyOf(changes);
            forced = List.copyOf(forced);
        }
    }

    /**
     * An accepted document with its version. Version 0 is the empty document a control holds before it has
     * accepted any; every accepted change adds one.
     *
     * @param version    this process's version number of the document
     * @param config     the document
     * @param source     where it came from ({@code file:/etc/dualwrite.yaml}, {@code jdbc:dualwrite_config/points@v7})
     * @param acceptedAt when it was accepted
     */
    public record Snapshot(long version, MigrationConfig config, String source, Instant acceptedAt) {

        /** The fields, with credentials in the source masked ({@link Secrets}). */
        @Override
        public String toString() {
            return "Snapshot[version=" + version + ", config=" + config + ", source=" + Secrets.mask(source)
                    + ", acceptedAt=" + acceptedAt + "]";
        }
    }

    /**
     * Told about every accepted (and, optionally, rejected) document. Called after the swap, in the applying
     * thread; an exception thrown here is logged and affects neither the swap nor the other listeners.
     */
    @FunctionalInterface
    public interface Listener {

        /** A new document is in force. */
        void onChange(MigrationControl.Change change);

        /** A document was rejected; the current one stays. Does nothing by default. */
        default void onRejected(String source, java.util.List<ConfigProblem> problems) {
        }
    }

    /**
     * An extra check a component that depends on the document adds to {@link MigrationControl#apply}: a
     * document it finds problems in is rejected like any invalid one, and the last good one stays.
     */
    @FunctionalInterface
    public interface Validator {

        /** The problems of {@code next} from this component's point of view; empty when it can run with it. */
        List<ConfigProblem> validate(MigrationConfig next);
    }

    /**
     * A check {@link MigrationControl#apply} runs on every change of an accepted document, after the legal-move
     * rules: the problems it returns hold the change back like an illegal move, and {@code force: true} lets it
     * through (logged at WARN and kept in the audit line). The journal gate is one: a move that makes a side
     * read or trusted for some users is held back while the journal says that side is behind for them.
     *
     * <p>Gates run while the change is being applied, so they should answer quickly; a gate that throws holds
     * the change back with the exception as the reason.
     */
    @FunctionalInterface
    public interface Gate {

        /** Why {@code next} must not replace {@code current} now; empty when it may. */
        List<ConfigProblem> check(MigrationConfig current, MigrationConfig next);
    }

    /**
     * A group of users of one unit that two documents put in different stages: a bucket range, or one listed
     * user. {@link #between} lists every group a change moves, so that each move can be checked.
     *
     * @param who  the users, in words ({@code users in buckets 100..499}, {@code user 42})
     * @param from the stage they are in before
     * @param to   the stage they are in after
     */
    public record UserMove(String who, Stage from, Stage to) {

        /** Whether the users move at all. */
        public boolean moves() {
            return from != to;
        }

        /**
         * The sides these users start to rely on: a side that becomes the authority, or the side reads come from,
         * without having been so before.
         */
        public Set<Side> newlyRelied() {
            return newlyRelied(from, to);
        }

        /**
         * The sides a user moving from {@code from} to {@code to} starts to read from or trust, or to trust alone
         * (a move that stops writing the other side: what it still lacks can no longer be told from a later write).
         */
        public static Set<Side> newlyRelied(Stage from, Stage to) {
            Set<Side> out = EnumSet.noneOf(Side.class);
            if (to.authority() != from.authority() || from.writesBoth() && !to.writesBoth()) {
                out.add(to.authority());
            }
            if (to.readSide() != from.readSide()) {
                out.add(to.readSide());
            }
            return out;
        }

        /**
         * Every group of users of a unit that the two versions treat differently or alike (bucket ranges below,
         * between and above the two ratios, and every listed user); {@code before} may be null for a new unit.
         */
        public static List<UserMove> between(UnitConfig before, UnitConfig after) {
            int ra = before == null ? 0 : before.gray().ratio();
            int rb = after.gray().ratio();
            int lo = Math.min(ra, rb);
            int hi = Math.max(ra, rb);
            List<UserMove> out = new ArrayList<>();
            if (lo > 0) {
                out.add(move(before, after, buckets(0, lo), true, true));
            }
            if (ra > rb) {
                out.add(move(before, after, buckets(rb, ra), true, false));
            } else if (rb > ra) {
                out.add(move(before, after, buckets(ra, rb), false, true));
            }
            if (hi < RoutingKey.BUCKETS) {
                out.add(move(before, after, buckets(hi, RoutingKey.BUCKETS), false, false));
            }
            Set<RoutingKey> listed = new LinkedHashSet<>();
            if (before != null) {
                listed.addAll(before.gray().whitelist());
                listed.addAll(before.gray().blacklist());
            }
            listed.addAll(after.gray().whitelist());
            listed.addAll(after.gray().blacklist());
            for (RoutingKey key : listed) {
                out.add(move(before, after, "user " + key, before != null && before.gray().includes(key),
                        after.gray().includes(key)));
            }
            return out;
        }

        private static UserMove move(UnitConfig before, UnitConfig after, String who, boolean grayBefore, boolean grayAfter) {
            Stage from = before == null ? Stage.OLD_ONLY : before.stageOf(grayBefore);
            return new UserMove(who, from, after.stageOf(grayAfter));
        }

        private static String buckets(int from, int toExclusive) {
            return from == toExclusive - 1 ? "users in bucket " + from
                    : "users in buckets " + from + ".." + (toExclusive - 1);
        }
    }
}
