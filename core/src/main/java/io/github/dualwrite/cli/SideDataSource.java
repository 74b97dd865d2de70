package io.github.dualwrite.cli;

import io.github.dualwrite.config.Side;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * One side's DataSource as the tools see it: every failure is remembered with the side it came from, so
 * that an error names the side; and a runtime exception thrown inside the driver (ShardingSphere throws
 * {@code TableNotFoundException} and friends as unchecked exceptions) becomes the {@link SQLException} the
 * sync tools handle, instead of escaping past their per-check and per-chunk handling.
 */
final class SideDataSource implements DataSource, AutoCloseable {

    /** Failures seen, by identity, with the side they came from (a command runs once, then exits). */
    private static final Map<Throwable, String> SIDES = Collections.synchronizedMap(new IdentityHashMap<>());

    private final DataSource delegate;
    private final String label;

    SideDataSource(DataSource delegate, Side side, String where) {
        this.delegate = delegate;
        this.label = side + " side (" + where + ")";
    }

    /** The side a failure (or one of its causes) came from, or null when it came from neither. */
    static String sideOf(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            String side = SIDES.get(t);
            if (side != null) {
                return side;
            }
        }
        return null;
    }

    /** Remembers that {@code error} came from {@code label}'s side. */
    static void mark(Throwable error, String label) {
        SIDES.put(error, label);
    }

    DataSource delegate() {
        return delegate;
    }

    @Override
    public Connection getConnection() throws SQLException {
        try {
            return wrap(Connection.class, delegate.getConnection());
        } catch (SQLException e) {
            mark(e, label);
            throw e;
        } catch (RuntimeException e) {
            throw converted(e);
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the tools connect with the configured credentials");
    }

    private SQLException converted(RuntimeException e) {
        SQLException s = new SQLException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
        mark(s, label);
        return s;
    }

    @SuppressWarnings("unchecked")
    private <T> T wrap(Class<T> type, T target) {
        if (target == null) {
            return null;
        }
        return (T) Proxy.newProxyInstance(SideDataSource.class.getClassLoader(), new Class<?>[] {type},
                new Handler(target));
    }

    /** Forwards every call; wraps statements and metadata; labels and converts failures. */
    private final class Handler implements InvocationHandler {
        private final Object target;

        Handler(Object target) {
            this.target = target;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getName().equals("unwrap") && args != null && args[0] instanceof Class<?> c && c.isInstance(target)) {
                return target;
            }
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof SQLException s) {
                    mark(s, label);
                    throw s;
                }
                if (cause instanceof RuntimeException r && !(r instanceof UnsupportedOperationException)) {
                    throw converted(r);
                }
                throw cause;
            }
            Class<?> type = method.getReturnType();
            if (result != null && type.isInterface() && (Statement.class.isAssignableFrom(type)
                    || type == DatabaseMetaData.class)) {
                return wrapAs(type, result);
            }
            return result;
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private Object wrapAs(Class type, Object result) {
            return wrap(type, result);
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(delegate) ? iface.cast(delegate) : delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(delegate) || delegate.isWrapperFor(iface);
    }

    @Override
    public void close() throws Exception {
        if (delegate instanceof AutoCloseable c) {
            c.close();
        }
    }
}
