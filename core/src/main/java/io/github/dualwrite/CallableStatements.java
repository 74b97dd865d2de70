package io.github.dualwrite;

import io.github.dualwrite.config.Side;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stored-procedure calls. What a procedure writes can be neither repeated on the other side nor checked, so
 * a call runs only while every unit is on one side (OLD_ONLY, or NEW_ONLY), on that side; in any stage that
 * writes both sides it is refused, at prepare time and again at every execution (the stage may have moved
 * since). The statement is a JDK proxy: a rarely used type, all delegation but for the calls, SQL of its own
 * ({@code execute(String)}, {@code addBatch(String)}: refused), its connection and its result sets.
 */
final class CallableStatements {

    private static final Logger log = LoggerFactory.getLogger(CallableStatements.class);

    private CallableStatements() {
    }

    /** Prepares {@code sql} on the side every unit is on, or refuses it. */
    static CallableStatement prepare(DualWriteConnection conn, String sql, int type, int concurrency, int holdability)
            throws SQLException {
        Side side = conn.callSide(sql);
        java.sql.Connection c = conn.physical(side);
        CallableStatement delegate = type < 0 ? c.prepareCall(sql)
                : holdability < 0 ? c.prepareCall(sql, type, concurrency) : c.prepareCall(sql, type, concurrency, holdability);
        Handler handler = new Handler(conn, delegate, sql, side);
        CallableStatement proxy = (CallableStatement) Proxy.newProxyInstance(CallableStatements.class.getClassLoader(),
                new Class<?>[] {CallableStatement.class, TrackedStatement.class, DualWriteResultSet.Owner.class}, handler);
        handler.proxy = proxy;
        return proxy;
    }

    /** Routes the few methods that carry behaviour; delegates the rest. */
    private static final class Handler implements InvocationHandler {
        private final DualWriteConnection conn;
        private final CallableStatement delegate;
        private final String sql;
        private final Side side;
        private CallableStatement proxy;
        private boolean closed;

        Handler(DualWriteConnection conn, CallableStatement delegate, String sql, Side side) {
            this.conn = conn;
            this.delegate = delegate;
            this.sql = sql;
            this.side = side;
        }

        @Override
        public Object invoke(Object self, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            int arity = args == null ? 0 : args.length;
            switch (name) {
                case "getConnection":
                    return conn;
                case "statement":
                    return proxy;
                case "resultSetClosed":
                    return null;
                case "close":
                    close();
                    return null;
                case "closeQuietly":
                    try {
                        close();
                    } catch (SQLException | RuntimeException e) {
                        log.debug("dualwrite: closing a callable statement failed", e);
                    }
                    return null;
                case "isClosed":
                    return closed || delegate.isClosed();
                case "unwrap":
                    return ((Class<?>) args[0]).isInstance(proxy) ? proxy : ((Class<?>) args[0]).isInstance(delegate)
                            ? delegate : delegate.unwrap((Class<?>) args[0]);
                case "isWrapperFor":
                    return ((Class<?>) args[0]).isInstance(proxy) || delegate.isWrapperFor((Class<?>) args[0]);
                case "toString":
                    return "DualWriteCallableStatement[" + sql + " on " + side + "]";
                case "hashCode":
                    return System.identityHashCode(self);
                case "equals":
                    return self == args[0];
                default:
                    break;
            }
            if ((name.startsWith("execute") || name.equals("addBatch")) && arity > 0 && args[0] instanceof String) {
                throw new SQLException("dualwrite: a CallableStatement runs its own call; " + name
                        + "(String) would run other SQL past routing: use createStatement()", "HY000");
            }
            if (name.startsWith("execute")) {
                if (conn.callSide(sql) != side) {
                    throw Planner.reject("the units moved to another side since `" + Planner.abbreviate(sql)
                            + "` was prepared on " + side + "; prepare the call again");
                }
                conn.wroteAuthoritative(side);
            }
            Object result;
            try {
                result = method.invoke(delegate, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            return result instanceof ResultSet rs ? new DualWriteResultSet((DualWriteResultSet.Owner) proxy, rs) : result;
        }

        private void close() throws SQLException {
            if (!closed) {
                closed = true;
                conn.forget((TrackedStatement) proxy);
                delegate.close();
            }
        }
    }
}
