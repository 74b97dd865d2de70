package io.github.dualwrite.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One map of a document tree with typed, path-aware reads. Every key read is remembered, so that
 * {@link #rejectUnknownKeys()} can report typos instead of silently ignoring them. A value of the wrong type
 * is recorded as a problem and the default is returned, so one pass reports every problem.
 */
final class Section {

    private final String path;
    private final Map<String, Object> values;
    private final Set<String> known = new LinkedHashSet<>();
    private final Problems problems;

    Section(String path, Map<String, Object> values, Problems problems) {
        this.path = path;
        this.values = values;
        this.problems = problems;
    }

    String path(String key) {
        return Problems.join(path, key);
    }

    boolean has(String key) {
        known.add(key);
        return values.get(key) != null;
    }

    private Object raw(String key) {
        known.add(key);
        return values.get(key);
    }

    String text(String key, String fallback) {
        Object v = raw(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof String s) {
            return s.trim();
        }
        problems.add(path(key), describe(v) + " is not text");
        return fallback;
    }

    <E extends Enum<E>> E choice(String key, Class<E> type, E fallback) {
        Object v = raw(key);
        if (v == null) {
            return fallback;
        }
        String s = String.valueOf(v).trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(s)) {
                return constant;
            }
        }
        problems.add(path(key), describe(v) + " is not one of " + Arrays.toString(type.getEnumConstants()));
        return fallback;
    }

    int whole(String key, int fallback, String unit) {
        Object v = raw(key);
        if (v == null) {
            return fallback;
        }
        Long parsed = toWhole(v);
        if (parsed == null || parsed < Integer.MIN_VALUE || parsed > Integer.MAX_VALUE) {
            problems.add(path(key), describe(v) + " is not a whole number" + (unit.isEmpty() ? "" : " of " + unit));
            return fallback;
        }
        return parsed.intValue();
    }

    double fraction(String key, double fallback) {
        Object v = raw(key);
        if (v == null) {
            return fallback;
        }
        try {
            double d = v instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(v).trim());
            if (Double.isFinite(d) && !(v instanceof Boolean)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(path(key), describe(v) + " is not a number; write a decimal such as 0.01");
        return fallback;
    }

    boolean flag(String key, boolean fallback) {
        Object v = raw(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = String.valueOf(v).trim();
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(s);
        }
        problems.add(path(key), describe(v) + " is not true or false");
        return fallback;
    }

    Duration duration(String key, Duration fallback) {
        Object v = raw(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            problems.add(path(key), n + " has no unit; write e.g. " + n + "ms or " + n + "s");
            return fallback;
        }
        try {
            return Durations.parse(String.valueOf(v));
        } catch (IllegalArgumentException e) {
            problems.add(path(key), e.getMessage());
            return fallback;
        }
    }

    /** A list, a comma-separated string or a single scalar; null when absent. */
    List<Object> list(String key) {
        Object v = raw(key);
        if (v == null) {
            return null;
        }
        List<Object> out = new ArrayList<>();
        if (v instanceof List<?> list) {
            if (list.size() > ConfigLimits.MAX_LIST_ENTRIES) {
                problems.add(path(key), tooMany(list.size(), ConfigLimits.MAX_LIST_ENTRIES));
                return out;
            }
            for (int i = 0; i < list.size(); i++) {
                Object item = list.get(i);
                if (item instanceof Map || item instanceof List || item == null) {
                    problems.add(path(key) + "[" + i + "]", describe(item) + " is not a single value");
                } else {
                    out.add(item);
                }
            }
        } else if (v instanceof String s) {
            String[] parts = s.split(",");
            if (parts.length > ConfigLimits.MAX_LIST_ENTRIES) {
                problems.add(path(key), tooMany(parts.length, ConfigLimits.MAX_LIST_ENTRIES));
                return out;
            }
            for (String part : parts) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        } else if (v instanceof Map) {
            problems.add(path(key), "is a section; write a list such as [a, b]");
        } else {
            out.add(v);
        }
        return out;
    }

    /** A list of names; null when absent. */
    List<String> names(String key) {
        List<Object> list = list(key);
        if (list == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof String s) {
                out.add(s);
            } else {
                problems.add(path(key) + "[" + i + "]", describe(list.get(i)) + " is not a name");
            }
        }
        return out;
    }

    /** A list of routing keys (numbers or text). */
    Set<RoutingKey> keys(String key) {
        List<Object> list = list(key);
        Set<RoutingKey> out = new LinkedHashSet<>();
        if (list == null) {
            return out;
        }
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            try {
                if (item instanceof Boolean) {
                    throw new IllegalArgumentException(item + " is not a user id");
                }
                out.add(RoutingKey.of(item));
            } catch (IllegalArgumentException e) {
                problems.add(path(key) + "[" + i + "]", e.getMessage());
            }
        }
        return out;
    }

    /** A nested section; an empty one when absent. */
    Section section(String key) {
        Object v = raw(key);
        if (v == null) {
            return new Section(path(key), Map.of(), problems);
        }
        if (v instanceof Map<?, ?> map) {
            return new Section(path(key), cast(map), problems);
        }
        problems.add(path(key), describe(v) + " is not a section; write " + key + ": followed by indented settings");
        return new Section(path(key), Map.of(), problems);
    }

    /** The raw value, for keys that accept several shapes. */
    Object value(String key) {
        return raw(key);
    }

    /** Every key of this section with its text value ({@code column-map}); non-text values are problems. */
    Map<String, String> namesAndTexts() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : values.keySet()) {
            String value = text(key, null);
            if (value != null) {
                out.put(key, value);
            }
        }
        return out;
    }

    /**
     * A map of named sections ({@code units}, {@code tables}), in document order; empty (with a problem) when
     * it has more than {@code max} entries.
     */
    Map<String, Section> namedSections(String key, int max) {
        Section parent = section(key);
        Map<String, Section> out = new LinkedHashMap<>();
        if (parent.values.size() > max) {
            parent.known.addAll(parent.values.keySet());
            problems.add(path(key), tooMany(parent.values.size(), max));
            return out;
        }
        for (String name : parent.values.keySet()) {
            parent.known.add(name);
            Object v = parent.values.get(name);
            if (v == null || (v instanceof String text && text.isBlank())) {
                // `t1:` in YAML or `tables.t1=` in properties: a section with every default
                out.put(name, new Section(parent.path(name), Map.of(), problems));
            } else if (v instanceof Map<?, ?> map) {
                out.put(name, new Section(parent.path(name), cast(map), problems));
            } else {
                problems.add(parent.path(name), describe(v) + " is not a section");
            }
        }
        return out;
    }

    /** Reports every key that no read asked for, with a suggestion for likely typos. */
    void rejectUnknownKeys() {
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                String hint = closest(key);
                problems.add(path(key), "is not a known setting"
                        + (hint == null ? "" : "; did you mean '" + hint + "'?")
                        + " Known here: " + String.join(", ", known));
            }
        }
    }

    private String closest(String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = distance(squash(key), squash(candidate));
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return bestDistance <= Math.max(2, key.length() / 4) ? best : null;
    }

    private static String squash(String s) {
        return s.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static Long toWhole(Object v) {
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof BigInteger big) {
            return big.bitLength() < 64 ? big.longValue() : null;
        }
        if (v instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        if (v instanceof BigDecimal d && d.stripTrailingZeros().scale() <= 0) {
            return d.longValue();
        }
        return null;
    }

    static String tooMany(int count, int max) {
        return "has " + count + " entries; at most " + max + " are accepted: split the migration into several"
                + " documents or shorten the list";
    }

    static String describe(Object v) {
        if (v == null) {
            return "nothing";
        }
        if (v instanceof String s) {
            return "\"" + ConfigLimits.echo(s) + "\"";
        }
        if (v instanceof Map) {
            return "a section";
        }
        if (v instanceof List) {
            return "a list";
        }
        return ConfigLimits.echo(String.valueOf(v));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
