package io.github.dualwrite.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/** Durations in documents: {@code 500ms}, {@code 2s}, {@code 5m}, {@code 1h}, or ISO-8601 {@code PT2S}. */
final class Durations {

    private Durations() {
    }

    /** Parses a duration; throws IllegalArgumentException with a message an operator can act on. */
    static Duration parse(String text) {
        String s = text.trim();
        if (s.startsWith("P") || s.startsWith("p")) {
            try {
                return Duration.parse(s);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(invalid(text));
            }
        }
        int unitStart = 0;
        while (unitStart < s.length() && Character.isDigit(s.charAt(unitStart))) {
            unitStart++;
        }
        if (unitStart == 0) {
            throw new IllegalArgumentException(invalid(text));
        }
        long amount;
        try {
            amount = Long.parseLong(s.substring(0, unitStart));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(invalid(text));
        }
        switch (s.substring(unitStart).trim()) {
            case "ms": return Duration.ofMillis(amount);
            case "s": return Duration.ofSeconds(amount);
            case "m": return Duration.ofMinutes(amount);
            case "h": return Duration.ofHours(amount);
            case "":
                throw new IllegalArgumentException("'" + ConfigLimits.echo(text) + "' has no unit; write e.g. " + amount + "ms or "
                        + amount + "s");
            default:
                throw new IllegalArgumentException(invalid(text));
        }
    }

    /** The shortest exact form: {@code 1500ms}, {@code 2s}, {@code 5m}. */
    static String format(Duration d) {
        if (d == null) {
            return "null";
        }
        long ms = d.toMillis();
        if (ms % 60_000 == 0 && ms != 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    static void checkPositive(Problems p, String path, Duration d) {
        if (d == null) {
            p.add(path, "is missing; give a duration such as 500ms or 2s");
        } else if (d.isNegative() || d.isZero() || d.toMillis() == 0) {
            p.add(path, format(d) + " is not positive; give a duration of at least 1ms");
        }
    }

    private static String invalid(String text) {
        return "'" + ConfigLimits.echo(text) + "' is not a duration; write e.g. 500ms, 2s, 5m, 1h or PT2S";
    }
}
