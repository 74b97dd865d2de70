package io.github.dualwrite;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.sql.SQLException;

/**
 * Reads stream parameters into memory when they are bound, so that they can be bound again on the other
 * side (a stream can be read once only).
 */
final class Streams {

    private Streams() {
    }

    /** All bytes of {@code in}, or the first {@code length} when length is not negative; null for null. */
    static byte[] bytes(InputStream in, long length) throws SQLException {
        if (in == null) {
            return null;
        }
        try {
            return length < 0 ? in.readAllBytes() : in.readNBytes(Math.toIntExact(length));
        } catch (IOException | ArithmeticException e) {
            throw new SQLException("dualwrite: cannot read a stream parameter: " + e.getMessage(), "22000", e);
        }
    }

    /** All characters of {@code in}, or the first {@code length}; null for null. */
    static String text(Reader in, long length) throws SQLException {
        if (in == null) {
            return null;
        }
        try {
            StringBuilder sb = new StringBuilder();
            char[] buffer = new char[8192];
            long left = length < 0 ? Long.MAX_VALUE : length;
            int n;
            while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
                sb.append(buffer, 0, n);
                left -= n;
            }
            return sb.toString();
        } catch (IOException e) {
            throw new SQLException("dualwrite: cannot read a character stream parameter: " + e.getMessage(), "22000", e);
        }
    }

    static InputStream in(byte[] bytes) {
        return bytes == null ? null : new ByteArrayInputStream(bytes);
    }

    static Reader reader(String text) {
        return text == null ? null : new StringReader(text);
    }
}
