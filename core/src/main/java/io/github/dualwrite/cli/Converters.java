package io.github.dualwrite.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Option values typed the way the YAML takes them. */
final class Converters {

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private Converters() {
    }

    /** {@code 500ms}, {@code 2s}, {@code 5m}, {@code 1h}, {@code 1d}, or ISO-8601 {@code PT2S}, like the YAML. */
    static Duration duration(String text) {
        String s = text.trim();
        if (s.regionMatches(true, 0, "P", 0, 1)) {
            try {
                return Duration.parse(s.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw badDuration(text);
            }
        }
        Matcher m = SHORT_DURATION.matcher(s);
        if (!m.matches()) {
            throw badDuration(text);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    private static CommandLine.TypeConversionException badDuration(String text) {
        return new CommandLine.TypeConversionException("'" + text + "' is not a duration; write e.g. 500ms, 2s, 5m, 1h"
                + " or PT2S");
    }

    /**
     * A point in time: an ISO instant ({@code 2026-11-30T08:00:00Z}), a UTC date-time
     * ({@code 2026-11-30T08:00:00}), a UTC date ({@code 2026-11-30}), or a duration back from {@code now}
     * ({@code 2h}).
     */
    static Instant instant(String text, Instant now) {
        String s = text.trim();
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException ignored) {
            // not an instant; try the other forms
        }
        try {
            return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
            // not a date-time
        }
        try {
            return LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
            // not a date
        }
        try {
            return now.minus(duration(s));
        } catch (CommandLine.TypeConversionException ignored) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a time; write an ISO instant like"
                    + " 2026-11-30T08:00:00Z, a UTC date like 2026-11-30, or a duration back from now like 2h or 30m");
        }
    }

    /** Picocli converter for durations. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return duration(value);
        }
    }

    /** Picocli converter for times (relative forms count back from the system clock). */
    static final class InstantConverter implements CommandLine.ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            return instant(value, Instant.now());
        }
    }

    /** {@code i/n}: part i (1-based) of n. */
    record Part(int index, int count) {
        static Part parse(String text) {
            Matcher m = Pattern.compile("(\\d+)/(\\d+)").matcher(text.trim());
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException("'" + text + "' is not a part; write i/n, e.g. 1/4"
                        + " (part 1 of 4)");
            }
            int i = Integer.parseInt(m.group(1));
            int n = Integer.parseInt(m.group(2));
            if (n < 1 || n > 1024 || i < 1 || i > n) {
                throw new CommandLine.TypeConversionException("'" + text + "': write i/n with 1 <= i <= n <= 1024");
            }
            return new Part(i, n);
        }

        @Override
        public String toString() {
            return index + "/" + count;
        }
    }

    /** Picocli converter for parts. */
    static final class PartConverter implements CommandLine.ITypeConverter<Part> {
        @Override
        public Part convert(String value) {
            return Part.parse(value);
        }
    }

    /** {@code lo..hi}: buckets lo to hi inclusive, 0..9999. */
    record Buckets(int from, int to) {
        static Buckets parse(String text) {
            Matcher m = Pattern.compile("(\\d+)\\.\\.(\\d+)").matcher(text.trim());
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException("'" + text + "' is not a bucket range; write lo..hi,"
                        + " e.g. 100..499 (buckets 0..9999, both ends included)");
            }
            int lo = Integer.parseInt(m.group(1));
            int hi = Integer.parseInt(m.group(2));
            if (lo > hi || hi > 9999) {
                throw new CommandLine.TypeConversionException("'" + text + "': write lo..hi with 0 <= lo <= hi <= 9999");
            }
            return new Buckets(lo, hi);
        }

        boolean contains(int bucket) {
            return bucket >= from && bucket <= to;
        }

        @Override
        public String toString() {
            return from + ".." + to;
        }
    }

    /** Picocli converter for bucket ranges. */
    static final class BucketsConverter implements CommandLine.ITypeConverter<Buckets> {
        @Override
        public Buckets convert(String value) {
            return Buckets.parse(value);
        }
    }
}
