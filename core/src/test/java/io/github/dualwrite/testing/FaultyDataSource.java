package io.github.dualwrite.testing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * A DataSource that breaks on demand, to prove the secondary side can never break the business call:
 * {@link Fault#DOWN} refuses connections, {@link Fault#EXECUTE} makes every statement execution throw,
 * {@link Fault#WRITES} only writes (anything but SELECT), {@link Fault#COMMIT} makes commits throw
 * ({@code commit()}, and {@code setAutoCommit(true)} with a transaction open, which commits it).
 * Test code only: it wraps with {@link Proxy}.
 */
public final class FaultyDataSource {

    /** What breaks. */
    public enum Fault {
        /** Nothing: everything passes through. */
        NONE,
        /** {@code getConnection()} throws. */
        DOWN,
        /** Every execute/executeQuery/executeUpdate/executeBatch throws. */
        EXECUTE,
        /** Executions of anything but a SELECT throw. */
        WRITES,
        /**
         * Executions of anything but a SELECT are refused by the database as wrong data (SQLState 23000, a
         * constraint violation): the side answers, it is not sick.
         */
        DATA_ERROR,
        /** {@code commit()} throws. */
        COMMIT,
        /** Batches run, but report every count as SUCCESS_NO_INFO (-2), as rewriting drivers do. */
        NO_INFO_COUNTS,
        /**
         * Every execution, commit and savepoint call, and the close of a connection left in manual-commit mode
         * (a pool resets it), hangs (as on a host that stopped answering) until the fault is changed; then it runs. So does {@code Connection.abort}, which some drivers send to the host.
         */
        HANG
    }

    private final DataSource target;
    private final AtomicReference<Fault> fault = new AtomicReference<>(Fault.NONE);
    private final AtomicInteger injected = new AtomicInteger();
    private final AtomicInteger hanging = new AtomicInteger();
    private volatile java.util.function.Consumer<String> afterSuccess = sql -> { };

    private FaultyDataSource(DataSource target) {
        this.target = target;
    }

    /** Wraps {@code target}; returns the controller, whose {@link #dataSource()} is the proxy. */
    public static FaultyDataSource wrap(DataSource target) {
        return new FaultyDataSource(target);
    }

    /** Sets the fault; {@link Fault#NONE} heals. */
    public FaultyDataSource set(Fault value) {
        fault.set(value);
        return this;
    }

    /** Forgets the failures injected so far. */
    public FaultyDataSource resetCount() {
        injected.set(0);
        return this;
    }

    /** How many failures were injected. */
    public int injected() {
        return injected.get();
    }

    /** The faulty DataSource: always the same object (the engine knows the journal's home by identity). */
    public DataSource dataSource() {
        return proxy;
    }

    private final DataSource proxy = proxy();

    private DataSource proxy() {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        if (fault.get() == Fault.DOWN) {
                            injected.incrementAndGet();
                            throw new SQLTransientConnectionException("injected: database down");
                        }
                        return wrapConnection((Connection) invoke(target, method, args));
                    }
                    return invoke(target, method, args);
                });
    }

    /** Blocks the calling thread while the fault is {@link Fault#HANG}, like a socket read nobody answers. */
    private void hangWhileHanging() {
        if (fault.get() == Fault.HANG) {
            injected.incrementAndGet();
            hanging.incrementAndGet();
            try {
                while (fault.get() == Fault.HANG) {
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                }
            } finally {
                hanging.decrementAndGet();
            }
        }
    }

    /** {@link #hangWhileHanging} without counting. */
    private void blockWhileHanging() {
        while (fault.get() == Fault.HANG) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }

    /**
     * Runs {@code hook} on the calling thread after each execution that succeeded, with its SQL (after an
     * auto-commit statement: after it committed), and after each commit that succeeded, with {@code "COMMIT"}:
     * to hold a caller at that point. {@code null} removes it.
     */
    public FaultyDataSource afterSuccess(java.util.function.Consumer<String> hook) {
        afterSuccess = hook == null ? sql -> { } : hook;
        return this;
    }

    /** Calls hanging right now. */
    public int hanging() {
        return hanging.get();
    }

    private Connection wrapConnection(Connection c) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    String name = method.getName();
                    if (name.equals("abort")) {
                        // a real driver's abort may reach the host (MariaDB Connector/J connects to send KILL): it
                        // hangs with it; not counted in hanging(), which counts the calls the engine made
                        blockWhileHanging();
                    }
                    // a commit is commit(), or a return to auto-commit with a transaction open (JDBC commits then)
                    boolean commits = name.equals("commit") || name.equals("setAutoCommit") && Boolean.TRUE.equals(args[0])
                            && !c.getAutoCommit();
                    boolean savepoint = name.equals("setSavepoint") || name.equals("releaseSavepoint")
                            || name.equals("rollback") && args != null && args.length == 1;
                    // a pool's close resets auto-commit when it was switched off (HikariCP): a round trip too
                    boolean resets = name.equals("close") && !c.isClosed() && !c.getAutoCommit();
                    if (commits || savepoint || resets) {
                        hangWhileHanging();
                    }
                    if (commits && fault.get() == Fault.COMMIT) {
                        injected.incrementAndGet();
                        throw new SQLException("injected: commit failed", "08S01");
                    }
                    Object result = invoke(c, method, args);
                    if (commits) {
                        afterSuccess.accept("COMMIT");
                    }
                    if (result instanceof CallableStatement) {
                        return result;
                    }
                    if (result instanceof PreparedStatement ps) {
                        return wrapStatement(ps, PreparedStatement.class, (String) args[0]);
                    }
                    if (result instanceof Statement s) {
                        return wrapStatement(s, Statement.class, null);
                    }
                    return result;
                });
    }

    private <S extends Statement> S wrapStatement(S s, Class<S> type, String preparedSql) {
        InvocationHandler h = (proxy, method, args) -> {
            String name = method.getName();
            boolean executes = name.startsWith("execute");
            String sql = !executes ? null : preparedSql != null ? preparedSql
                    : args != null && args.length > 0 && args[0] instanceof String t ? t : "";
            if (executes) {
                hangWhileHanging();
                Fault f = fault.get();
                boolean select = sql.trim().toLowerCase(java.util.Locale.ROOT).startsWith("select");
                if (f == Fault.DATA_ERROR && !select) {
                    injected.incrementAndGet();
                    throw new java.sql.SQLIntegrityConstraintViolationException("injected: constraint violation", "23000");
                }
                if (f == Fault.EXECUTE || f == Fault.WRITES && !select) {
                    injected.incrementAndGet();
                    throw new SQLException("injected: execution failed", "08S01");
                }
            }
            Object result = invoke(s, method, args);
            if (executes) {
                afterSuccess.accept(sql);
            }
            if (name.equals("executeBatch") && fault.get() == Fault.NO_INFO_COUNTS) {
                int[] counts = ((int[]) result).clone();
                java.util.Arrays.fill(counts, Statement.SUCCESS_NO_INFO);
                return counts;
            }
            return result;
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h));
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
