package io.github.dualwrite;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.Arrays;

/**
 * The parameters bound to a prepared statement, kept so that they can be bound again on the other side:
 * for each index its value (to find the routing key and to journal) and how to bind it. The common setters
 * are recorded as a kind plus the value (no allocation beyond boxing); the others keep a binder.
 */
final class Params {

    /** An estimate of the heap bytes one parameter value holds (text as UTF-16, the worst case). */
    static long estimatedBytes(Object v) {
        if (v == null) {
            return 8;
        }
        if (v instanceof CharSequence text) {
            return 40 + 2L * text.length();
        }
        if (v instanceof byte[] bytes) {
            return 16 + bytes.length;
        }
        if (v instanceof char[] chars) {
            return 16 + 2L * chars.length;
        }
        return 32;
    }

    /** Binds one recorded value to a statement, at an index that may differ from the original one. */
    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement ps, int index) throws SQLException;
    }

    static final byte BINDER = 0;
    static final byte LONG = 1;
    static final byte INT = 2;
    static final byte STRING = 3;
    static final byte OBJECT = 4;
    static final byte NULL = 5;
    static final byte BIG_DECIMAL = 6;
    static final byte TIMESTAMP = 7;
    static final byte BOOLEAN = 8;

    private static final Object[] NO_VALUES = new Object[0];

    private final int capacity;
    private Object[] values;
    private byte[] kinds;
    /** Binders for kind BINDER; the SQL type for NULL. */
    private Object[] extras;
    private int count;
    private String notRepeatable;

    /** Room for {@code capacity} parameters; grows when more are set. */
    Params(int capacity) {
        this.capacity = Math.max(capacity, 1);
    }

    /** Records parameter {@code index} (1-based, as in JDBC) with one of the common kinds. */
    void set(int index, Object value, byte kind) {
        slot(index, value, kind, null);
    }

    /** Records {@code setNull(index, sqlType)}. */
    void setNull(int index, int sqlType) {
        slot(index, null, NULL, sqlType);
    }

    /** Records parameter {@code index} bound by {@code binder}. */
    void set(int index, Object value, Binder binder) {
        slot(index, value, BINDER, binder);
    }

    private void slot(int index, Object value, byte kind, Object extra) {
        int i = index - 1;
        if (values == null) {
            int size = Math.max(capacity, index);
            values = new Object[size];
            kinds = new byte[size];
            extras = new Object[size];
        } else if (i >= values.length) {
            int size = Math.max(values.length * 2, index);
            values = Arrays.copyOf(values, size);
            kinds = Arrays.copyOf(kinds, size);
            extras = Arrays.copyOf(extras, size);
        }
        values[i] = value;
        kinds[i] = kind;
        extras[i] = extra;
        if (index > count) {
            count = index;
        }
    }

    /**
     * Records a value that can be bound on the side it was created for only (LOBs, streams, vendor
     * objects): the statement can still run there, but not be repeated on the other side.
     */
    void setNotRepeatable(int index, Object value, Binder binder, String why) {
        set(index, value, binder);
        notRepeatable = why;
    }

    /** Why these parameters cannot be bound on the other side, or null when they can. */
    String notRepeatable() {
        return notRepeatable;
    }

    /** The values by 0-based index (parameter 1 is {@code values()[0]}); a copy. */
    Object[] values() {
        return count == 0 ? NO_VALUES : Arrays.copyOf(values, count);
    }

    /** Number of parameters set (the highest index). */
    int count() {
        return count;
    }

    /** Binds every parameter at its own index. */
    void bindAll(PreparedStatement ps) throws SQLException {
        for (int i = 0; i < count; i++) {
            if (kinds[i] != BINDER || extras[i] != null) {
                bind(ps, i, i + 1);
            }
        }
    }

    /** Binds parameter {@code from} (0-based) at JDBC index {@code to}. */
    void bindOne(PreparedStatement ps, int from, int to) throws SQLException {
        if (from >= count || kinds[from] == BINDER && extras[from] == null) {
            throw new SQLException("parameter " + (from + 1) + " was not set", "07001");
        }
        bind(ps, from, to);
    }

    private void bind(PreparedStatement ps, int i, int to) throws SQLException {
        Object v = values[i];
        switch (kinds[i]) {
            case LONG -> ps.setLong(to, (Long) v);
            case INT -> ps.setInt(to, (Integer) v);
            case STRING -> ps.setString(to, (String) v);
            case OBJECT -> ps.setObject(to, v);
            case NULL -> ps.setNull(to, extras[i] instanceof Integer t ? t : Types.NULL);
            case BIG_DECIMAL -> ps.setBigDecimal(to, (BigDecimal) v);
            case TIMESTAMP -> ps.setTimestamp(to, (Timestamp) v);
            case BOOLEAN -> ps.setBoolean(to, (Boolean) v);
            default -> ((Binder) extras[i]).bind(ps, to);
        }
    }

    /** A copy for {@code addBatch}. */
    Params snapshot() {
        Params copy = new Params(Math.max(count, 1));
        if (count > 0) {
            copy.values = Arrays.copyOf(values, count);
            copy.kinds = Arrays.copyOf(kinds, count);
            copy.extras = Arrays.copyOf(extras, count);
        }
        copy.count = count;
        copy.notRepeatable = notRepeatable;
        return copy;
    }

    /** Forgets every parameter ({@code clearParameters}). */
    void clear() {
        if (values != null) {
            Arrays.fill(values, 0, count, null);
            Arrays.fill(kinds, 0, count, BINDER);
            Arrays.fill(extras, 0, count, null);
        }
        count = 0;
        notRepeatable = null;
        cleared = true;
    }

    /** Set by {@link #clear}: a statement these values were bound to still holds the old ones. */
    private boolean cleared;

    /** Whether {@link #clear} ran since the last call; resets the mark. */
    boolean takeCleared() {
        boolean was = cleared;
        cleared = false;
        return was;
    }
}
