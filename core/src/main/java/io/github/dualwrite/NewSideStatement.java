package io.github.dualwrite;

import java.io.InputStream;
import java.io.Reader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Timestamp;

/**
 * The SQL a statement runs on the new side instead of its own (a schema that renamed columns), with its
 * parameters recorded when the execution was requested: the hint's binder runs once, against a recorder,
 * so that the values are those of that moment (a batch row, before the application reuses its object).
 */
final class NewSideStatement {

    final String sql;
    final SqlShape shape;
    final Params params;

    private NewSideStatement(String sql, SqlShape shape, Params params) {
        this.sql = sql;
        this.shape = shape;
        this.params = params;
    }

    /** The hint's new-side SQL with its parameters bound now; null when the hint has none. */
    static NewSideStatement of(Engine engine, StatementHint hint) throws SQLException {
        if (hint == null || hint.newSideSql() == null) {
            return null;
        }
        SqlShape shape = engine.classify(hint.newSideSql());
        Params params = new Params(Math.max(shape.parameterCount(), 1));
        hint.newSideBinder().bind(recorder(params));
        if (params.notRepeatable() != null) {
            throw new SQLException("dualwrite: the new side's SQL `" + Planner.abbreviate(hint.newSideSql())
                    + "` cannot take its parameters from a recording: " + params.notRepeatable(), "0A000");
        }
        return new NewSideStatement(hint.newSideSql(), shape, params);
    }

    /** A PreparedStatement whose setters record into {@code params}; nothing else is allowed while binding. */
    private static PreparedStatement recorder(Params params) {
        return (PreparedStatement) Proxy.newProxyInstance(NewSideStatement.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> {
                    String name = method.getName();
                    if (name.equals("clearParameters")) {
                        params.clear();
                        return null;
                    }
                    if (name.startsWith("set") && args != null && args.length >= 2 && method.getParameterTypes()[0] == int.class) {
                        record(params, method, args);
                        return null;
                    }
                    if (name.equals("toString") && args == null) {
                        return "dualwrite parameter recorder";
                    }
                    throw new SQLFeatureNotSupportedException("dualwrite: " + name + " is not available while binding"
                            + " the new side's SQL (only parameter setters are)");
                });
    }

    private static void record(Params params, Method method, Object[] args) {
        int index = (Integer) args[0];
        Object value = args[1];
        if (args.length == 2) {
            switch (method.getName()) {
                case "setLong" -> {
                    params.set(index, value, Params.LONG);
                    return;
                }
                case "setInt" -> {
                    params.set(index, value, Params.INT);
                    return;
                }
                case "setString" -> {
                    params.set(index, value, Params.STRING);
                    return;
                }
                case "setObject" -> {
                    params.set(index, value, Params.OBJECT);
                    return;
                }
                case "setNull" -> {
                    params.setNull(index, (Integer) value);
                    return;
                }
                case "setBigDecimal" -> {
                    params.set(index, value, Params.BIG_DECIMAL);
                    return;
                }
                case "setTimestamp" -> {
                    params.set(index, (Timestamp) value, Params.TIMESTAMP);
                    return;
                }
                case "setBoolean" -> {
                    params.set(index, value, Params.BOOLEAN);
                    return;
                }
                default -> {
                    // replayed below
                }
            }
        }
        Object[] copy = args.clone();
        Params.Binder replay = (ps, i) -> {
            copy[0] = i;
            try {
                method.invoke(ps, copy);
            } catch (IllegalAccessException e) {
                throw new SQLException("dualwrite: cannot call " + method.getName(), e);
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof SQLException s ? s : new SQLException(e.getCause());
            }
        };
        if (value instanceof Blob || value instanceof Clob || value instanceof InputStream || value instanceof Reader) {
            params.setNotRepeatable(index, value, replay, "a " + value.getClass().getSimpleName()
                    + " can be read once, by the statement the application bound it to");
        } else {
            params.set(index, value, replay);
        }
    }
}
