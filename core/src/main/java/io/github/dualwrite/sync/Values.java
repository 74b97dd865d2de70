package io.github.dualwrite.sync;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Objects;

/**
 * Compares column values read from two different databases (drivers): {@code 5}, {@code 5L} and
 * {@code 5.00} are equal, so are a {@code Timestamp} and the {@code LocalDateTime} of the same instant, and
 * equal byte arrays.
 */
final class Values {

    private Values() {
    }

    static boolean same(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (a.getClass() == b.getClass()) {
            // the common case (both drivers return the same type) without allocating
            if (a instanceof byte[] x) {
                return Arrays.equals(x, (byte[]) b);
            }
            if (a instanceof BigDecimal x) {
                return x.compareTo((BigDecimal) b) == 0;
            }
            if (!(a instanceof Blob) && !(a instanceof Clob)) {
                return a.equals(b);
            }
        }
        Object x = normal(a);
        Object y = normal(b);
        if (x instanceof BigDecimal dx && y instanceof BigDecimal dy) {
            return dx.compareTo(dy) == 0;
        }
        if (x instanceof byte[] bx && y instanceof byte[] by) {
            return Arrays.equals(bx, by);
        }
        return Objects.equals(x, y);
    }

    /** Whether {@code a} is later than {@code b} (version columns: times or numbers); false when unknown. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static boolean after(Object a, Object b) {
        if (a == null || b == null) {
            return false;
        }
        Object x = normal(a);
        Object y = normal(b);
        return x.getClass() == y.getClass() && x instanceof Comparable c && c.compareTo(y) > 0;
    }

    /** A value's comparable form. */
    static Object normal(Object v) {
        if (v instanceof Boolean b) {
            return b ? BigDecimal.ONE : BigDecimal.ZERO;
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return BigDecimal.valueOf(((Number) v).longValue());
        }
        if (v instanceof BigInteger b) {
            return new BigDecimal(b);
        }
        if (v instanceof BigDecimal) {
            return v;
        }
        if (v instanceof Double || v instanceof Float) {
            return BigDecimal.valueOf(((Number) v).doubleValue());
        }
        if (v instanceof Timestamp t) {
            return t.toLocalDateTime();
        }
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate();
        }
        if (v instanceof OffsetDateTime o) {
            return o.toLocalDateTime();
        }
        if (v instanceof ByteBuffer bb) {
            byte[] out = new byte[bb.remaining()];
            bb.duplicate().get(out);
            return out;
        }
        if (v instanceof Blob blob) {
            try {
                return blob.getBytes(1, (int) blob.length());
            } catch (SQLException e) {
                return v;
            }
        }
        if (v instanceof Clob clob) {
            try {
                return clob.getSubString(1, (int) clob.length());
            } catch (SQLException e) {
                return v;
            }
        }
        return v;
    }

    /**
     * A key value with equality, hash and order across drivers: whole numbers as Long, other numbers as
     * BigDecimal without trailing zeros, binary as a ByteBuffer (content equality), others as {@link #normal}.
     */
    static Object key(Object v) {
        if (v instanceof Long) {
            return v;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        Object n = normal(v);
        if (n instanceof BigDecimal d) {
            try {
                return d.longValueExact();
            } catch (ArithmeticException e) {
                return d.stripTrailingZeros();
            }
        }
        return n instanceof byte[] b ? ByteBuffer.wrap(b) : n;
    }

    /** A key value as text: binary in hex, the rest as {@link String#valueOf}. */
    static String keyText(Object v) {
        if (v instanceof ByteBuffer bb) {
            byte[] out = new byte[bb.remaining()];
            bb.duplicate().get(out);
            return "0x" + java.util.HexFormat.of().formatHex(out);
        }
        return String.valueOf(v);
    }

    /** The value in a form every driver binds with setObject (LOBs read into memory). */
    static Object bindable(Object v) {
        if (v instanceof Blob || v instanceof Clob || v instanceof ByteBuffer) {
            return normal(v);
        }
        return v;
    }
}
