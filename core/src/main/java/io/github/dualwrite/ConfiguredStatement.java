package io.github.dualwrite;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The settings half of a statement: what the application set (max rows, fetch size, timeouts, ...) is kept
 * here, applied to every physical statement already made and to each one made later ({@link #configure}),
 * because a routed statement creates its physical statements lazily, per side.
 */
abstract class ConfiguredStatement implements Statement {

    final StatementOptions options;
    private int maxRows;
    private long largeMaxRows;
    private int fetchSize;
    private int queryTimeout;
    private int maxFieldSize;
    private Integer fetchDirection;
    private Boolean escapeProcessing;
    private Boolean poolable;
    private String cursorName;
    boolean closeOnCompletion;
    /** Query timeouts set on physical statements (absent: the driver's default, 0). */
    private java.util.Map<Statement, Integer> timeouts;

    ConfiguredStatement(StatementOptions options) {
        this.options = options;
    }

    /** Throws when this statement or its connection is closed. */
    abstract void checkOpen() throws SQLException;

    /** Applies an action to every physical statement already created. */
    abstract void forEachPhysical(StatementAction action) throws SQLException;

    /** The secondary timeout of the engine, in seconds. */
    abstract int secondaryTimeoutSeconds();

    /** The connection's holdability, for statements created without one. */
    abstract int defaultHoldability() throws SQLException;

    /** Forgets the timeout applied to a physical statement that is closed. */
    final void forgetTimeout(Statement s) {
        if (timeouts != null) {
            timeouts.remove(s);
        }
    }

    /** Applies the application's settings to a new physical statement. */
    final <S extends Statement> S configure(S s) throws SQLException {
        if (maxRows != 0) {
            s.setMaxRows(maxRows);
        }
        if (largeMaxRows != 0) {
            s.setMaxRows((int) Math.min(largeMaxRows, Integer.MAX_VALUE)); // ShardingSphere has no large form
        }
        if (fetchSize != 0) {
            s.setFetchSize(fetchSize);
        }
        if (maxFieldSize != 0) {
            s.setMaxFieldSize(maxFieldSize);
        }
        if (fetchDirection != null) {
            s.setFetchDirection(fetchDirection);
        }
        if (escapeProcessing != null) {
            s.setEscapeProcessing(escapeProcessing);
        }
        if (poolable != null) {
            s.setPoolable(poolable);
        }
        if (cursorName != null) {
            s.setCursorName(cursorName);
        }
        return s;
    }

    /**
     * Secondaries get the configured secondary timeout; everything else the application's. Only changes
     * are sent: some drivers (H2) turn every setQueryTimeout into a session command.
     */
    final void applyTimeout(Statement s, boolean secondary) throws SQLException {
        int want = secondary ? secondaryTimeoutSeconds() : queryTimeout;
        Integer applied = timeouts == null ? null : timeouts.get(s);
        if ((applied == null ? 0 : applied) != want) {
            s.setQueryTimeout(want);
            if (timeouts == null) {
                timeouts = new java.util.IdentityHashMap<>(4);
            }
            timeouts.put(s, want);
        }
    }

    // ------------------------------------------------------------------ settings

    @Override
    public int getMaxFieldSize() throws SQLException {
        checkOpen();
        return maxFieldSize;
    }

    @Override
    public void setMaxFieldSize(int max) throws SQLException {
        checkOpen();
        maxFieldSize = max;
        forEachPhysical(s -> s.setMaxFieldSize(max));
    }

    @Override
    public int getMaxRows() throws SQLException {
        checkOpen();
        return maxRows;
    }

    @Override
    public void setMaxRows(int max) throws SQLException {
        checkOpen();
        maxRows = max;
        forEachPhysical(s -> s.setMaxRows(max));
    }

    @Override
    public long getLargeMaxRows() throws SQLException {
        checkOpen();
        return largeMaxRows != 0 ? largeMaxRows : maxRows;
    }

    @Override
    public void setLargeMaxRows(long max) throws SQLException {
        checkOpen();
        largeMaxRows = max;
        forEachPhysical(s -> s.setMaxRows((int) Math.min(max, Integer.MAX_VALUE)));
    }

    @Override
    public void setEscapeProcessing(boolean enable) throws SQLException {
        checkOpen();
        escapeProcessing = enable;
        forEachPhysical(s -> s.setEscapeProcessing(enable));
    }

    @Override
    public int getQueryTimeout() throws SQLException {
        checkOpen();
        return queryTimeout;
    }

    @Override
    public void setQueryTimeout(int seconds) throws SQLException {
        checkOpen();
        if (seconds < 0) {
            throw new SQLException("dualwrite: query timeout must be >= 0 but was " + seconds, "22023");
        }
        queryTimeout = seconds;
    }

    @Override
    public void cancel() throws SQLException {
        checkOpen();
        forEachPhysical(Statement::cancel);
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
        forEachPhysical(Statement::clearWarnings);
    }

    @Override
    public void setCursorName(String name) throws SQLException {
        checkOpen();
        cursorName = name;
        forEachPhysical(s -> s.setCursorName(name));
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        checkOpen();
        fetchDirection = direction;
        forEachPhysical(s -> s.setFetchDirection(direction));
    }

    @Override
    public int getFetchDirection() throws SQLException {
        checkOpen();
        return fetchDirection != null ? fetchDirection : ResultSet.FETCH_FORWARD;
    }

    @Override
    public void setFetchSize(int rows) throws SQLException {
        checkOpen();
        fetchSize = rows;
        forEachPhysical(s -> s.setFetchSize(rows));
    }

    @Override
    public int getFetchSize() throws SQLException {
        checkOpen();
        return fetchSize;
    }

    @Override
    public int getResultSetConcurrency() throws SQLException {
        checkOpen();
        return options.concurrency() < 0 ? ResultSet.CONCUR_READ_ONLY : options.concurrency();
    }

    @Override
    public int getResultSetType() throws SQLException {
        checkOpen();
        return options.type() < 0 ? ResultSet.TYPE_FORWARD_ONLY : options.type();
    }

    @Override
    public int getResultSetHoldability() throws SQLException {
        checkOpen();
        return options.holdability() < 0 ? defaultHoldability() : options.holdability();
    }

    @Override
    public void setPoolable(boolean value) throws SQLException {
        checkOpen();
        poolable = value;
        forEachPhysical(s -> s.setPoolable(value));
    }

    @Override
    public boolean isPoolable() throws SQLException {
        checkOpen();
        return poolable != null ? poolable : false;
    }

    @Override
    public void closeOnCompletion() throws SQLException {
        checkOpen();
        closeOnCompletion = true;
    }

    @Override
    public boolean isCloseOnCompletion() throws SQLException {
        checkOpen();
        return closeOnCompletion;
    }

    static void applyAll(Statement[] statements, StatementAction action) throws SQLException {
        if (statements != null) {
            for (Statement s : statements) {
                if (s != null) {
                    action.apply(s);
                }
            }
        }
    }

    /** A setting applied to a physical statement. */
    @FunctionalInterface
    interface StatementAction {
        void apply(Statement s) throws SQLException;
    }
}
