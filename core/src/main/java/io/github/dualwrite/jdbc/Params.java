package io.github.dualwrite.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * The parameters bound to a prepared statement, kept so that they can be bound again on the other side:
 * for each index its value (to find the routing key and to journal) and how to bind it.
 */
final class Params {

    /** Binds one recorded value to a statement, at an index that may differ from the original one. */
    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement ps, int index) throws SQLException;
    }

    private static final Object[] NO_VALUES = new Object[0];

    private final int capacity;
    private Object[] values;
    private Binder[] binders;
    private int count;
    private String notRepeatable;

    /** Room for {@code capacity} parameters; grows when more are set. */
    Params(int capacity) {
        this.capacity = Math.max(capacity, 1);
    }

    /** Records parameter {@code index} (1-based, as in JDBC). */
    void set(int index, Object value, Binder binder) {
        int i = index - 1;
        if (values == null) {
            values = new Object[Math.max(capacity, index)];
            binders = new Binder[values.length];
        } else if (i >= values.length) {
            int size = Math.max(values.length * 2, index);
            values = Arrays.copyOf(values, size);
            binders = Arrays.copyOf(binders, size);
        }
        values[i] = value;
        binders[i] = binder;
        if (index > count) {
            count = index;
        }
    }

    /**
     * Records a value that can be bound on the side it was created for only (LOBs, streams already passed
     * on, vendor objects): the statement can still run there, but not be repeated on the other side.
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

    /** The recorded value of parameter {@code index} (0-based). */
    Object value(int index) {
        return index < count ? values[index] : null;
    }

    /** Number of parameters set (the highest index). */
    int count() {
        return count;
    }

    /** Binds every parameter at its own index. */
    void bindAll(PreparedStatement ps) throws SQLException {
        for (int i = 0; i < count; i++) {
            if (binders[i] != null) {
                binders[i].bind(ps, i + 1);
            }
        }
    }

    /** Binds parameter {@code from} (0-based) at JDBC index {@code to}. */
    void bindOne(PreparedStatement ps, int from, int to) throws SQLException {
        Binder b = from < count ? binders[from] : null;
        if (b == null) {
            throw new SQLException("parameter " + (from + 1) + " was not set", "07001");
        }
        b.bind(ps, to);
    }

    /** A copy for {@code addBatch}. */
    Params snapshot() {
        Params copy = new Params(Math.max(count, 1));
        if (count > 0) {
            copy.values = Arrays.copyOf(values, count);
            copy.binders = Arrays.copyOf(binders, count);
        }
        copy.count = count;
        copy.notRepeatable = notRepeatable;
        return copy;
    }

    /** Forgets every parameter ({@code clearParameters}). */
    void clear() {
        if (values != null) {
            Arrays.fill(values, 0, count, null);
            Arrays.fill(binders, 0, count, null);
        }
        count = 0;
        notRepeatable = null;
    }
}
