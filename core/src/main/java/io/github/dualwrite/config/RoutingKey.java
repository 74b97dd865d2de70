package io.github.dualwrite.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * The value of a unit's routing column (usually a user id), normalised so that the same user gets the
 * same bucket however the value reaches us: {@code 42}, {@code 42L}, {@code "42"} and
 * {@code BigDecimal("42")} are one key.
 *
 * <p>Buckets, from 0 to 9999:
 * <ul>
 *   <li>integral keys: {@code floorMod(id, 10000)}, so {@code -1} is in bucket 9999;</li>
 *   <li>text keys (anything that is not a canonical decimal integer): the CRC-32 of the key's UTF-8 bytes,
 *       modulo 10000. CRC-32 gives the same value on every JVM and in MySQL/MariaDB, so an operator can
 *       find a text key's bucket with {@code SELECT CRC32('abc') % 10000}.</li>
 * </ul>
 */
public final class RoutingKey implements Comparable<RoutingKey> {

    /** Number of buckets; gray ratios are expressed in buckets (basis points). */
    public static final int BUCKETS = 10_000;

    private final long number;
    private final String text;

    private RoutingKey(long number, String text) {
        this.number = number;
        this.text = text;
    }

    /** An integral key. */
    public static RoutingKey of(long id) {
        return new RoutingKey(id, null);
    }

    /**
     * Normalises a value bound to the routing column.
     *
     * @throws IllegalArgumentException for null, blank text, fractions and floating-point values
     */
    public static RoutingKey of(Object value) {
        if (value instanceof RoutingKey key) {
            return key;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return of(((Number) value).longValue());
        }
        if (value instanceof BigInteger big) {
            return big.bitLength() < 64 ? of(big.longValue()) : new RoutingKey(0, big.toString());
        }
        if (value instanceof BigDecimal decimal) {
            try {
                return of(decimal.toBigIntegerExact());
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("routing key " + decimal.toPlainString()
                        + " has a fraction; routing keys must be whole numbers or text");
            }
        }
        if (value instanceof Double || value instanceof Float) {
            throw new IllegalArgumentException("routing key " + value + " is floating-point ("
                    + value.getClass().getSimpleName() + "); pass a long or a String");
        }
        if (value == null) {
            throw new IllegalArgumentException("routing key is null; pass the user's id");
        }
        String s = value instanceof CharSequence ? value.toString() : String.valueOf(value);
        if (s.isBlank()) {
            throw new IllegalArgumentException("routing key is blank; pass the user's id");
        }
        Long parsed = parseCanonicalLong(s);
        return parsed != null ? of(parsed.longValue()) : new RoutingKey(0, s);
    }

    /** The bucket of an integral key: {@code floorMod(id, 10000)}. */
    public static int bucket(long id) {
        return (int) Math.floorMod(id, (long) BUCKETS);
    }

    /** The bucket of a text key: CRC-32 of its UTF-8 bytes, modulo 10000. */
    public static int bucket(String text) {
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % BUCKETS);
    }

    /** This key's bucket, 0..9999. */
    public int bucket() {
        return text == null ? bucket(number) : bucket(text);
    }

    /** Whether the key is a whole number that fits in a {@code long}. */
    public boolean isIntegral() {
        return text == null;
    }

    /** The numeric value; only meaningful when {@link #isIntegral()}. */
    public long longValue() {
        if (text != null) {
            throw new IllegalStateException("routing key '" + text + "' is text, not a number");
        }
        return number;
    }

    /** The key as text: the decimal number or the text itself. */
    @Override
    public String toString() {
        return text == null ? Long.toString(number) : text;
    }

    /** The key as a YAML/properties scalar: numbers bare, text as given. */
    Object toDocumentValue() {
        return text == null ? (Object) number : text;
    }

    /** Integral keys first, by value, then text keys by text: one order every lock-taking loop can share. */
    @Override
    public int compareTo(RoutingKey o) {
        if (isIntegral() != o.isIntegral()) {
            return isIntegral() ? -1 : 1;
        }
        return isIntegral() ? Long.compare(number, o.number) : text.compareTo(o.text);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RoutingKey k && k.number == number && Objects.equals(k.text, text);
    }

    @Override
    public int hashCode() {
        return text == null ? Long.hashCode(number) : text.hashCode();
    }

    /** "42", "-7", "0" parse; "042", "+1", "1e3", " 1" and out-of-range values stay text. */
    private static Long parseCanonicalLong(String s) {
        int start = s.charAt(0) == '-' ? 1 : 0;
        int digits = s.length() - start;
        if (digits == 0 || digits > 19) {
            return null;
        }
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
        }
        if (s.charAt(start) == '0' && (digits > 1 || start == 1)) {
            return null;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException overflow) {
            return null;
        }
    }
}
