package io.github.dualwrite.config;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Collects every problem of a document before failing, so an operator sees them all at once. */
final class Problems {

    private final List<ConfigProblem> list = new ArrayList<>();

    void add(String path, String message) {
        list.add(new ConfigProblem(path, message));
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
        return List.copyOf(list);
    }

    void throwIfAny() {
        if (!list.isEmpty()) {
            throw new InvalidConfigException(list);
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
