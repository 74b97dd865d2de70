package io.github.dualwrite.config;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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

    private final AtomicReference<ConfigSnapshot> current;
    private final List<ConfigListener> listeners = new CopyOnWriteArrayList<>();
    private final List<ConfigValidator> validators = new CopyOnWriteArrayList<>();
    private final List<MoveGate> gates = new CopyOnWriteArrayList<>();
    private final AtomicLong rejected = new AtomicLong();
    private final Clock clock;
    private final Object applyLock = new Object();

    private MigrationControl(Clock clock) {
        this.clock = clock;
        this.current = new AtomicReference<>(new ConfigSnapshot(0, MigrationConfig.EMPTY, "none", clock.instant()));
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
    public ConfigSnapshot current() {
        return current.get();
    }

    /** How many documents were rejected since start. */
    public long rejectedCount() {
        return rejected.get();
    }

    /** Adds a listener; it is told about changes accepted after this call. */
    public void addListener(ConfigListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Adds a check every later document must pass. The document in force is checked at once.
     *
     * @throws InvalidConfigException when the document in force does not pass it
     */
    public void addValidator(ConfigValidator validator) {
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
    public void removeValidator(ConfigValidator validator) {
        validators.remove(validator);
    }

    /**
     * Adds a gate every later change must pass (see {@link MoveGate}); its problems hold a change back unless
     * the document says {@code force: true}.
     */
    public void addGate(MoveGate gate) {
        gates.add(Objects.requireNonNull(gate, "gate"));
    }

    /** Removes a gate. */
    public void removeGate(MoveGate gate) {
        gates.remove(gate);
    }

    /** Removes a listener. */
    public void removeListener(ConfigListener listener) {
        listeners.remove(listener);
    }

    /** Parses {@code text} and applies it; a syntax or validation error rejects it like any other problem. */
    public ApplyResult apply(String text, ConfigFormat format, String source) {
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
        for (ConfigValidator validator : validators) {
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
        ConfigChange change;
        synchronized (applyLock) {
            ConfigSnapshot before = current.get();
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
            ConfigSnapshot after = new ConfigSnapshot(before.version() + 1, next, source, clock.instant());
            current.set(after);
            change = new ConfigChange(before, after, diff(before.config(), next), forced);
        }
        audit(change);
        for (ConfigListener listener : listeners) {
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
        for (MoveGate gate : gates) {
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
        ConfigSnapshot kept = current.get();
        log.warn("dualwrite config from {} rejected, v{} stays in force: {}", source, kept.version(),
                new InvalidConfigException(problems).getMessage());
        for (ConfigListener listener : listeners) {
            try {
                listener.onRejected(source, problems);
            } catch (RuntimeException | LinkageError e) {
                log.warn("dualwrite config listener {} failed on a rejection", listener.getClass().getName(), e);
            }
        }
        return new ApplyResult(ApplyResult.Outcome.REJECTED, kept, problems, List.of(), List.of());
    }

    private static void audit(ConfigChange change) {
        ConfigSnapshot s = change.current();
        String what = change.changes().isEmpty() ? "initial document" : String.join("; ", change.changes());
        log.info("dualwrite config v{} accepted from {}: {}", s.version(), s.source(), what);
        if (!change.forced().isEmpty()) {
            log.warn("dualwrite config v{} from {} FORCED illegal stage moves: {}", s.version(), s.source(),
                    String.join("; ", change.forced()));
        }
    }

    private static String shown(String value, boolean secret) {
        return value == null ? "(unset)" : secret ? "****" : value;
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
}
