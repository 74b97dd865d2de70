package io.github.dualwrite;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A physical result set whose {@link #getStatement()} is the dual-write statement that produced it, so that
 * code walking back from a result set never escapes the routing layer; row changes through it are refused
 * where they would reach one side only. Everything else is delegated ({@link DelegatingResultSet}).
 */
final class DualWriteResultSet extends DelegatingResultSet {

    /** The statement a result set reports and tells when it closes. */
    interface Owner {
        Statement statement();

        void resultSetClosed(DualWriteResultSet rs) throws SQLException;
    }

    private final Owner owner;
    /** Why insertRow/updateRow/deleteRow are refused (they would change one side only), or null. */
    private final String rowChangesRefused;
    private boolean closed;

    DualWriteResultSet(Owner owner, ResultSet delegate) {
        this(owner, delegate, null);
    }

    DualWriteResultSet(Owner owner, ResultSet delegate, String rowChangesRefused) {
        super(delegate);
        this.owner = owner;
        this.rowChangesRefused = rowChangesRefused;
    }

    private void checkRowChanges() throws SQLException {
        if (rowChangesRefused != null) {
            throw new SQLException("dualwrite: " + rowChangesRefused, "0A000");
        }
    }

    @Override
    public Statement getStatement() throws SQLException {
        return owner.statement();
    }

    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            d.close();
        } finally {
            owner.resultSetClosed(this);
        }
    }

    /** Closes without telling the owner: it is about to run again and discards this result itself. */
    void closeDetached() throws SQLException {
        if (!closed) {
            closed = true;
            d.close();
        }
    }

    @Override
    public void insertRow() throws SQLException {
        checkRowChanges();
        d.insertRow();
    }

    @Override
    public void updateRow() throws SQLException {
        checkRowChanges();
        d.updateRow();
    }

    @Override
    public void deleteRow() throws SQLException {
        checkRowChanges();
        d.deleteRow();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : iface.isInstance(d) ? iface.cast(d) : d.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || iface.isInstance(d) || d.isWrapperFor(iface);
    }
}
