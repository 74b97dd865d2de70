package io.github.dualwrite.config;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Collects every problem of a document before failing, so an operator sees them all at once. */
final class Problems {

    /** Longest path or message kept: a last guard against messages that grow with the document. */
    private static final int MAX_TEXT = 2_000;

    private final List<ConfigProblem> list = new ArrayList<>();
    private int dropped;

    void add(String path, String message) {
        if (list.size() >= ConfigLimits.MAX_PROBLEMS) {
            dropped++;
            return;
        }
        list.add(new ConfigProblem(clip(path), clip(message)));
    }

    private static String clip(String text) {
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "... (" + text.length() + " characters)";
    }

    /** Records {@code message} at {@code path} unless {@code ok}. */
    void check(boolean ok, String path, String message) {
        if (!ok) {
            add(path, message);
        }
    }

    boolean isEmpty() {
        return list.isEmpty();
    }

    List<ConfigProblem> list() {
        if (dropped == 0) {
            return List.copyOf(list);
        }
        List<ConfigProblem> all = new ArrayList<>(list);
        all.add(new ConfigProblem("", dropped + " more problems not shown; fix the ones above and check again"));
        return List.copyOf(all);
    }

    void throwIfAny() {
        if (!list.isEmpty()) {
            throw new InvalidConfigException(list());
        }
    }

    /**
     * Builds a value whose constructor validates itself; its problems are re-rooted under {@code base}.
     * Returns null when it was invalid.
     */
    <T> T attempt(String base, Supplier<T> build) {
        try {
            return build.get();
        } catch (InvalidConfigException e) {
            for (ConfigProblem p : e.problems()) {
                add(join(base, p.path()), p.message());
            }
            return null;
        }
    }

    static String join(String base, String path) {
        if (base.isEmpty()) {
            return path;
        }
        return path.isEmpty() ? base : base + "." + path;
    }
}
