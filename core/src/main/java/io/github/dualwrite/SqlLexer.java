package io.github.dualwrite;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A lexical pass over MySQL text that finds what the parser's tree does not hand over in one place: the
 * position of every {@code ?} and every call of a non-deterministic function. Skips string literals,
 * quoted identifiers and comments.
 */
final class SqlLexer {

    /** Evaluated once per statement by MySQL; the keyword forms need no parentheses. */
    private static final Set<String> PER_STATEMENT = Set.of("NOW", "SYSDATE", "CURDATE", "CURTIME",
            "CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME", "LOCALTIME", "LOCALTIMESTAMP", "UTC_TIMESTAMP",
            "UTC_DATE", "UTC_TIME", "UNIX_TIMESTAMP", "LAST_INSERT_ID", "CONNECTION_ID");
    private static final Set<String> KEYWORD_FORMS = Set.of("CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME",
            "LOCALTIME", "LOCALTIMESTAMP", "UTC_TIMESTAMP", "UTC_DATE", "UTC_TIME");
    /** Evaluated again for every row. */
    private static final Set<String> PER_ROW = Set.of("UUID", "UUID_SHORT", "RAND", "SYS_GUID");
    /** With an argument these compute from it (UNIX_TIMESTAMP(col), RAND(seed)): deterministic. */
    private static final Set<String> ONLY_WITHOUT_ARGUMENTS = Set.of("UNIX_TIMESTAMP", "RAND", "LAST_INSERT_ID");

    private final String sql;
    private final List<Integer> parameters = new ArrayList<>();
    private final List<VolatileCall> calls = new ArrayList<>();
    private int i;

    private SqlLexer(String sql) {
        this.sql = sql;
    }

    /** Scans {@code sql}. */
    static SqlLexer scan(String sql) {
        SqlLexer lexer = new SqlLexer(sql);
        lexer.run();
        return lexer;
    }

    /** Index in the SQL of every {@code ?}, in order. */
    List<Integer> parameters() {
        return parameters;
    }

    /** Every call of a non-deterministic function, in order. */
    List<VolatileCall> calls() {
        return calls;
    }

    private void run() {
        int n = sql.length();
        char previous = ' ';
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                skipQuoted(c, true);
            } else if (c == '`') {
                skipQuoted(c, false);
            } else if (c == '#' || c == '-' && at("--") && (i + 2 == n || Character.isWhitespace(sql.charAt(i + 2)))) {
                skipToLineEnd();
            } else if (c == '/' && at("/*")) {
                int close = sql.indexOf("*/", i + 2);
                i = close < 0 ? n : close + 2;
            } else if (c == '?') {
                parameters.add(i++);
            } else if (c == '@') {
                i++;
                while (i < n && (isWordChar(sql.charAt(i)) || sql.charAt(i) == '@')) {
                    i++;
                }
            } else if (Character.isDigit(c)) {
                while (i < n && (isWordChar(sql.charAt(i)) || sql.charAt(i) == '.')) {
                    i++;
                }
            } else if (isWordStart(c)) {
                word(previous == '.');
            } else {
                i++;
            }
            if (i > 0 && i <= n && !Character.isWhitespace(sql.charAt(i - 1))) {
                previous = sql.charAt(i - 1);
            }
        }
    }

    private void word(boolean qualified) {
        int start = i;
        while (i < sql.length() && isWordChar(sql.charAt(i))) {
            i++;
        }
        String name = sql.substring(start, i).toUpperCase(Locale.ROOT);
        boolean perStatement = PER_STATEMENT.contains(name);
        boolean perRow = PER_ROW.contains(name);
        if (qualified || !perStatement && !perRow) {
            return;
        }
        int j = i;
        while (j < sql.length() && Character.isWhitespace(sql.charAt(j))) {
            j++;
        }
        if (j < sql.length() && sql.charAt(j) == '(') {
            int close = matching(j);
            if (close < 0) {
                return;
            }
            String args = sql.substring(j + 1, close).trim();
            i = close + 1;
            boolean deterministic = !args.isEmpty() && ONLY_WITHOUT_ARGUMENTS.contains(name) || args.contains("?");
            if (!deterministic) {
                calls.add(new VolatileCall(sql.substring(start, i), start, i, perRow));
            }
        } else if (KEYWORD_FORMS.contains(name)) {
            calls.add(new VolatileCall(sql.substring(start, i), start, i, false));
        }
    }

    /** The index of the {@code )} closing the {@code (} at {@code open}, or -1. */
    private int matching(int open) {
        int depth = 0;
        for (int j = open; j < sql.length(); j++) {
            char c = sql.charAt(j);
            if (c == '\'' || c == '"' || c == '`') {
                int saved = i;
                i = j;
                skipQuoted(c, c != '`');
                j = i - 1;
                i = saved;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return j;
            }
        }
        return -1;
    }

    private void skipQuoted(char quote, boolean backslashEscapes) {
        int n = sql.length();
        i++;
        while (i < n) {
            char c = sql.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < n && sql.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    i++;
                    return;
                }
            } else {
                i++;
            }
        }
    }

    private void skipToLineEnd() {
        while (i < sql.length() && sql.charAt(i) != '\n') {
            i++;
        }
    }

    private boolean at(String text) {
        return sql.startsWith(text, i);
    }

    private static boolean isWordStart(char c) {
        return Character.isLetter(c) || c == '_' || c == '$';
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }
}
