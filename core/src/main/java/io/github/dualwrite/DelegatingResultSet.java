package io.github.dualwrite;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.Map;

/**
 * A result set that hands every call to the physical one, one line per method and nothing else:
 * {@link DualWriteResultSet} overrides the few calls that carry behaviour. Generated once from
 * {@code java.sql.ResultSet} (getStatement, close, unwrap, isWrapperFor and the row changes are left to the
 * subclass).
 */
abstract class DelegatingResultSet implements ResultSet {

    /** The physical result set. */
    final ResultSet d;

    DelegatingResultSet(ResultSet d) {
        this.d = d;
    }

    @Override
    public boolean absolute(int rows) throws SQLException { return d.absolute(rows); }
    @Override
    public void afterLast() throws SQLException { d.afterLast(); }
    @Override
    public void beforeFirst() throws SQLException { d.beforeFirst(); }
    @Override
    public void cancelRowUpdates() throws SQLException { d.cancelRowUpdates(); }
    @Override
    public void clearWarnings() throws SQLException { d.clearWarnings(); }
    @Override
    public int findColumn(String label) throws SQLException { return d.findColumn(label); }
    @Override
    public boolean first() throws SQLException { return d.first(); }
    @Override
    public Array getArray(String label) throws SQLException { return d.getArray(label); }
    @Override
    public Array getArray(int column) throws SQLException { return d.getArray(column); }
    @Override
    public InputStream getAsciiStream(String label) throws SQLException { return d.getAsciiStream(label); }
    @Override
    public InputStream getAsciiStream(int column) throws SQLException { return d.getAsciiStream(column); }
    @Override
    public BigDecimal getBigDecimal(String label, int scaleOrLength) throws SQLException { return d.getBigDecimal(label, scaleOrLength); }
    @Override
    public BigDecimal getBigDecimal(String label) throws SQLException { return d.getBigDecimal(label); }
    @Override
    public BigDecimal getBigDecimal(int column, int scaleOrLength) throws SQLException { return d.getBigDecimal(column, scaleOrLength); }
    @Override
    public BigDecimal getBigDecimal(int column) throws SQLException { return d.getBigDecimal(column); }
    @Override
    public InputStream getBinaryStream(String label) throws SQLException { return d.getBinaryStream(label); }
    @Override
    public InputStream getBinaryStream(int column) throws SQLException { return d.getBinaryStream(column); }
    @Override
    public Blob getBlob(String label) throws SQLException { return d.getBlob(label); }
    @Override
    public Blob getBlob(int column) throws SQLException { return d.getBlob(column); }
    @Override
    public boolean getBoolean(String label) throws SQLException { return d.getBoolean(label); }
    @Override
    public boolean getBoolean(int column) throws SQLException { return d.getBoolean(column); }
    @Override
    public byte getByte(String label) throws SQLException { return d.getByte(label); }
    @Override
    public byte getByte(int column) throws SQLException { return d.getByte(column); }
    @Override
    public byte[] getBytes(String label) throws SQLException { return d.getBytes(label); }
    @Override
    public byte[] getBytes(int column) throws SQLException { return d.getBytes(column); }
    @Override
    public Reader getCharacterStream(String label) throws SQLException { return d.getCharacterStream(label); }
    @Override
    public Reader getCharacterStream(int column) throws SQLException { return d.getCharacterStream(column); }
    @Override
    public Clob getClob(String label) throws SQLException { return d.getClob(label); }
    @Override
    public Clob getClob(int column) throws SQLException { return d.getClob(column); }
    @Override
    public int getConcurrency() throws SQLException { return d.getConcurrency(); }
    @Override
    public String getCursorName() throws SQLException { return d.getCursorName(); }
    @Override
    public Date getDate(String label, Calendar calendar) throws SQLException { return d.getDate(label, calendar); }
    @Override
    public Date getDate(String label) throws SQLException { return d.getDate(label); }
    @Override
    public Date getDate(int column, Calendar calendar) throws SQLException { return d.getDate(column, calendar); }
    @Override
    public Date getDate(int column) throws SQLException { return d.getDate(column); }
    @Override
    public double getDouble(String label) throws SQLException { return d.getDouble(label); }
    @Override
    public double getDouble(int column) throws SQLException { return d.getDouble(column); }
    @Override
    public int getFetchDirection() throws SQLException { return d.getFetchDirection(); }
    @Override
    public int getFetchSize() throws SQLException { return d.getFetchSize(); }
    @Override
    public float getFloat(String label) throws SQLException { return d.getFloat(label); }
    @Override
    public float getFloat(int column) throws SQLException { return d.getFloat(column); }
    @Override
    public int getHoldability() throws SQLException { return d.getHoldability(); }
    @Override
    public int getInt(String label) throws SQLException { return d.getInt(label); }
    @Override
    public int getInt(int column) throws SQLException { return d.getInt(column); }
    @Override
    public long getLong(String label) throws SQLException { return d.getLong(label); }
    @Override
    public long getLong(int column) throws SQLException { return d.getLong(column); }
    @Override
    public ResultSetMetaData getMetaData() throws SQLException { return d.getMetaData(); }
    @Override
    public Reader getNCharacterStream(String label) throws SQLException { return d.getNCharacterStream(label); }
    @Override
    public Reader getNCharacterStream(int column) throws SQLException { return d.getNCharacterStream(column); }
    @Override
    public NClob getNClob(String label) throws SQLException { return d.getNClob(label); }
    @Override
    public NClob getNClob(int column) throws SQLException { return d.getNClob(column); }
    @Override
    public String getNString(String label) throws SQLException { return d.getNString(label); }
    @Override
    public String getNString(int column) throws SQLException { return d.getNString(column); }
    @Override
    public <T> T getObject(String label, Class<T> type) throws SQLException { return d.getObject(label, type); }
    @Override
    public Object getObject(String label, Map<String, Class<?>> map) throws SQLException { return d.getObject(label, map); }
    @Override
    public Object getObject(String label) throws SQLException { return d.getObject(label); }
    @Override
    public <T> T getObject(int column, Class<T> type) throws SQLException { return d.getObject(column, type); }
    @Override
    public Object getObject(int column, Map<String, Class<?>> map) throws SQLException { return d.getObject(column, map); }
    @Override
    public Object getObject(int column) throws SQLException { return d.getObject(column); }
    @Override
    public Ref getRef(String label) throws SQLException { return d.getRef(label); }
    @Override
    public Ref getRef(int column) throws SQLException { return d.getRef(column); }
    @Override
    public int getRow() throws SQLException { return d.getRow(); }
    @Override
    public RowId getRowId(String label) throws SQLException { return d.getRowId(label); }
    @Override
    public RowId getRowId(int column) throws SQLException { return d.getRowId(column); }
    @Override
    public SQLXML getSQLXML(String label) throws SQLException { return d.getSQLXML(label); }
    @Override
    public SQLXML getSQLXML(int column) throws SQLException { return d.getSQLXML(column); }
    @Override
    public short getShort(String label) throws SQLException { return d.getShort(label); }
    @Override
    public short getShort(int column) throws SQLException { return d.getShort(column); }
    @Override
    public String getString(String label) throws SQLException { return d.getString(label); }
    @Override
    public String getString(int column) throws SQLException { return d.getString(column); }
    @Override
    public Time getTime(String label, Calendar calendar) throws SQLException { return d.getTime(label, calendar); }
    @Override
    public Time getTime(String label) throws SQLException { return d.getTime(label); }
    @Override
    public Time getTime(int column, Calendar calendar) throws SQLException { return d.getTime(column, calendar); }
    @Override
    public Time getTime(int column) throws SQLException { return d.getTime(column); }
    @Override
    public Timestamp getTimestamp(String label, Calendar calendar) throws SQLException { return d.getTimestamp(label, calendar); }
    @Override
    public Timestamp getTimestamp(String label) throws SQLException { return d.getTimestamp(label); }
    @Override
    public Timestamp getTimestamp(int column, Calendar calendar) throws SQLException { return d.getTimestamp(column, calendar); }
    @Override
    public Timestamp getTimestamp(int column) throws SQLException { return d.getTimestamp(column); }
    @Override
    public int getType() throws SQLException { return d.getType(); }
    @Override
    public URL getURL(String label) throws SQLException { return d.getURL(label); }
    @Override
    public URL getURL(int column) throws SQLException { return d.getURL(column); }
    @Override
    public InputStream getUnicodeStream(String label) throws SQLException { return d.getUnicodeStream(label); }
    @Override
    public InputStream getUnicodeStream(int column) throws SQLException { return d.getUnicodeStream(column); }
    @Override
    public SQLWarning getWarnings() throws SQLException { return d.getWarnings(); }
    @Override
    public boolean isAfterLast() throws SQLException { return d.isAfterLast(); }
    @Override
    public boolean isBeforeFirst() throws SQLException { return d.isBeforeFirst(); }
    @Override
    public boolean isClosed() throws SQLException { return d.isClosed(); }
    @Override
    public boolean isFirst() throws SQLException { return d.isFirst(); }
    @Override
    public boolean isLast() throws SQLException { return d.isLast(); }
    @Override
    public boolean last() throws SQLException { return d.last(); }
    @Override
    public void moveToCurrentRow() throws SQLException { d.moveToCurrentRow(); }
    @Override
    public void moveToInsertRow() throws SQLException { d.moveToInsertRow(); }
    @Override
    public boolean next() throws SQLException { return d.next(); }
    @Override
    public boolean previous() throws SQLException { return d.previous(); }
    @Override
    public void refreshRow() throws SQLException { d.refreshRow(); }
    @Override
    public boolean relative(int rows) throws SQLException { return d.relative(rows); }
    @Override
    public boolean rowDeleted() throws SQLException { return d.rowDeleted(); }
    @Override
    public boolean rowInserted() throws SQLException { return d.rowInserted(); }
    @Override
    public boolean rowUpdated() throws SQLException { return d.rowUpdated(); }
    @Override
    public void setFetchDirection(int rows) throws SQLException { d.setFetchDirection(rows); }
    @Override
    public void setFetchSize(int rows) throws SQLException { d.setFetchSize(rows); }
    @Override
    public void updateArray(String label, Array x) throws SQLException { d.updateArray(label, x); }
    @Override
    public void updateArray(int column, Array x) throws SQLException { d.updateArray(column, x); }
    @Override
    public void updateAsciiStream(String label, InputStream x, int scaleOrLength) throws SQLException { d.updateAsciiStream(label, x, scaleOrLength); }
    @Override
    public void updateAsciiStream(String label, InputStream x, long length) throws SQLException { d.updateAsciiStream(label, x, length); }
    @Override
    public void updateAsciiStream(String label, InputStream x) throws SQLException { d.updateAsciiStream(label, x); }
    @Override
    public void updateAsciiStream(int column, InputStream x, int scaleOrLength) throws SQLException { d.updateAsciiStream(column, x, scaleOrLength); }
    @Override
    public void updateAsciiStream(int column, InputStream x, long length) throws SQLException { d.updateAsciiStream(column, x, length); }
    @Override
    public void updateAsciiStream(int column, InputStream x) throws SQLException { d.updateAsciiStream(column, x); }
    @Override
    public void updateBigDecimal(String label, BigDecimal x) throws SQLException { d.updateBigDecimal(label, x); }
    @Override
    public void updateBigDecimal(int column, BigDecimal x) throws SQLException { d.updateBigDecimal(column, x); }
    @Override
    public void updateBinaryStream(String label, InputStream x, int scaleOrLength) throws SQLException { d.updateBinaryStream(label, x, scaleOrLength); }
    @Override
    public void updateBinaryStream(String label, InputStream x, long length) throws SQLException { d.updateBinaryStream(label, x, length); }
    @Override
    public void updateBinaryStream(String label, InputStream x) throws SQLException { d.updateBinaryStream(label, x); }
    @Override
    public void updateBinaryStream(int column, InputStream x, int scaleOrLength) throws SQLException { d.updateBinaryStream(column, x, scaleOrLength); }
    @Override
    public void updateBinaryStream(int column, InputStream x, long length) throws SQLException { d.updateBinaryStream(column, x, length); }
    @Override
    public void updateBinaryStream(int column, InputStream x) throws SQLException { d.updateBinaryStream(column, x); }
    @Override
    public void updateBlob(String label, InputStream x, long length) throws SQLException { d.updateBlob(label, x, length); }
    @Override
    public void updateBlob(String label, InputStream x) throws SQLException { d.updateBlob(label, x); }
    @Override
    public void updateBlob(String label, Blob x) throws SQLException { d.updateBlob(label, x); }
    @Override
    public void updateBlob(int column, InputStream x, long length) throws SQLException { d.updateBlob(column, x, length); }
    @Override
    public void updateBlob(int column, InputStream x) throws SQLException { d.updateBlob(column, x); }
    @Override
    public void updateBlob(int column, Blob x) throws SQLException { d.updateBlob(column, x); }
    @Override
    public void updateBoolean(String label, boolean x) throws SQLException { d.updateBoolean(label, x); }
    @Override
    public void updateBoolean(int column, boolean x) throws SQLException { d.updateBoolean(column, x); }
    @Override
    public void updateByte(String label, byte x) throws SQLException { d.updateByte(label, x); }
    @Override
    public void updateByte(int column, byte x) throws SQLException { d.updateByte(column, x); }
    @Override
    public void updateBytes(String label, byte[] x) throws SQLException { d.updateBytes(label, x); }
    @Override
    public void updateBytes(int column, byte[] x) throws SQLException { d.updateBytes(column, x); }
    @Override
    public void updateCharacterStream(String label, Reader x, int scaleOrLength) throws SQLException { d.updateCharacterStream(label, x, scaleOrLength); }
    @Override
    public void updateCharacterStream(String label, Reader x, long length) throws SQLException { d.updateCharacterStream(label, x, length); }
    @Override
    public void updateCharacterStream(String label, Reader x) throws SQLException { d.updateCharacterStream(label, x); }
    @Override
    public void updateCharacterStream(int column, Reader x, int scaleOrLength) throws SQLException { d.updateCharacterStream(column, x, scaleOrLength); }
    @Override
    public void updateCharacterStream(int column, Reader x, long length) throws SQLException { d.updateCharacterStream(column, x, length); }
    @Override
    public void updateCharacterStream(int column, Reader x) throws SQLException { d.updateCharacterStream(column, x); }
    @Override
    public void updateClob(String label, Reader x, long length) throws SQLException { d.updateClob(label, x, length); }
    @Override
    public void updateClob(String label, Reader x) throws SQLException { d.updateClob(label, x); }
    @Override
    public void updateClob(String label, Clob x) throws SQLException { d.updateClob(label, x); }
    @Override
    public void updateClob(int column, Reader x, long length) throws SQLException { d.updateClob(column, x, length); }
    @Override
    public void updateClob(int column, Reader x) throws SQLException { d.updateClob(column, x); }
    @Override
    public void updateClob(int column, Clob x) throws SQLException { d.updateClob(column, x); }
    @Override
    public void updateDate(String label, Date x) throws SQLException { d.updateDate(label, x); }
    @Override
    public void updateDate(int column, Date x) throws SQLException { d.updateDate(column, x); }
    @Override
    public void updateDouble(String label, double x) throws SQLException { d.updateDouble(label, x); }
    @Override
    public void updateDouble(int column, double x) throws SQLException { d.updateDouble(column, x); }
    @Override
    public void updateFloat(String label, float x) throws SQLException { d.updateFloat(label, x); }
    @Override
    public void updateFloat(int column, float x) throws SQLException { d.updateFloat(column, x); }
    @Override
    public void updateInt(String label, int scaleOrLength) throws SQLException { d.updateInt(label, scaleOrLength); }
    @Override
    public void updateInt(int column, int scaleOrLength) throws SQLException { d.updateInt(column, scaleOrLength); }
    @Override
    public void updateLong(String label, long length) throws SQLException { d.updateLong(label, length); }
    @Override
    public void updateLong(int column, long length) throws SQLException { d.updateLong(column, length); }
    @Override
    public void updateNCharacterStream(String label, Reader x, long length) throws SQLException { d.updateNCharacterStream(label, x, length); }
    @Override
    public void updateNCharacterStream(String label, Reader x) throws SQLException { d.updateNCharacterStream(label, x); }
    @Override
    public void updateNCharacterStream(int column, Reader x, long length) throws SQLException { d.updateNCharacterStream(column, x, length); }
    @Override
    public void updateNCharacterStream(int column, Reader x) throws SQLException { d.updateNCharacterStream(column, x); }
    @Override
    public void updateNClob(String label, Reader x, long length) throws SQLException { d.updateNClob(label, x, length); }
    @Override
    public void updateNClob(String label, Reader x) throws SQLException { d.updateNClob(label, x); }
    @Override
    public void updateNClob(String label, NClob x) throws SQLException { d.updateNClob(label, x); }
    @Override
    public void updateNClob(int column, Reader x, long length) throws SQLException { d.updateNClob(column, x, length); }
    @Override
    public void updateNClob(int column, Reader x) throws SQLException { d.updateNClob(column, x); }
    @Override
    public void updateNClob(int column, NClob x) throws SQLException { d.updateNClob(column, x); }
    @Override
    public void updateNString(String label, String x) throws SQLException { d.updateNString(label, x); }
    @Override
    public void updateNString(int column, String x) throws SQLException { d.updateNString(column, x); }
    @Override
    public void updateNull(String label) throws SQLException { d.updateNull(label); }
    @Override
    public void updateNull(int column) throws SQLException { d.updateNull(column); }
    @Override
    public void updateObject(String label, Object x, int scaleOrLength) throws SQLException { d.updateObject(label, x, scaleOrLength); }
    @Override
    public void updateObject(String label, Object x, SQLType x2, int scaleOrLength) throws SQLException { d.updateObject(label, x, x2, scaleOrLength); }
    @Override
    public void updateObject(String label, Object x, SQLType x2) throws SQLException { d.updateObject(label, x, x2); }
    @Override
    public void updateObject(String label, Object x) throws SQLException { d.updateObject(label, x); }
    @Override
    public void updateObject(int column, Object x, int scaleOrLength) throws SQLException { d.updateObject(column, x, scaleOrLength); }
    @Override
    public void updateObject(int column, Object x, SQLType x2, int scaleOrLength) throws SQLException { d.updateObject(column, x, x2, scaleOrLength); }
    @Override
    public void updateObject(int column, Object x, SQLType x2) throws SQLException { d.updateObject(column, x, x2); }
    @Override
    public void updateObject(int column, Object x) throws SQLException { d.updateObject(column, x); }
    @Override
    public void updateRef(String label, Ref x) throws SQLException { d.updateRef(label, x); }
    @Override
    public void updateRef(int column, Ref x) throws SQLException { d.updateRef(column, x); }
    @Override
    public void updateRowId(String label, RowId x) throws SQLException { d.updateRowId(label, x); }
    @Override
    public void updateRowId(int column, RowId x) throws SQLException { d.updateRowId(column, x); }
    @Override
    public void updateSQLXML(String label, SQLXML x) throws SQLException { d.updateSQLXML(label, x); }
    @Override
    public void updateSQLXML(int column, SQLXML x) throws SQLException { d.updateSQLXML(column, x); }
    @Override
    public void updateShort(String label, short x) throws SQLException { d.updateShort(label, x); }
    @Override
    public void updateShort(int column, short x) throws SQLException { d.updateShort(column, x); }
    @Override
    public void updateString(String label, String x) throws SQLException { d.updateString(label, x); }
    @Override
    public void updateString(int column, String x) throws SQLException { d.updateString(column, x); }
    @Override
    public void updateTime(String label, Time x) throws SQLException { d.updateTime(label, x); }
    @Override
    public void updateTime(int column, Time x) throws SQLException { d.updateTime(column, x); }
    @Override
    public void updateTimestamp(String label, Timestamp x) throws SQLException { d.updateTimestamp(label, x); }
    @Override
    public void updateTimestamp(int column, Timestamp x) throws SQLException { d.updateTimestamp(column, x); }
    @Override
    public boolean wasNull() throws SQLException { return d.wasNull(); }
}
