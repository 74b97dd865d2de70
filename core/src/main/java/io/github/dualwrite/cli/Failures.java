package io.github.dualwrite.cli;

import io.github.dualwrite.config.InvalidConfigException;
import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;

/** Turns a failure into the one line an operator reads: which side, what, and what to do. */
final class Failures {

    private Failures() {
    }

    /** The message of the innermost cause that has one (drivers wrap the useful one deep down). */
    static String rootMessage(Throwable e) {
        String message = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return message == null ? e.toString() : message.strip();
    }

    /** Whether the failure is a refused login. */
    static boolean authentication(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLInvalidAuthorizationSpecException
                    || t instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("28")) {
                return true;
            }
        }
        return false;
    }

    /** The fix for a failed connection. */
    static String connectFix(Throwable e, String settings) {
        return authentication(e) ? "authentication failed: check the user name and password (" + settings + ")"
                : "check that the database is up and reachable, and " + settings;
    }

    /** The line for a failure escaping a command. */
    static String describe(Throwable e) {
        return io.github.dualwrite.config.Secrets.mask(unmasked(e)); // a driver may echo a URL with its password
    }

    private static String unmasked(Throwable e) {
        if (e instanceof CliException || e instanceof InvalidConfigException) {
            return e.getMessage();
        }
        String side = SideDataSource.sideOf(e);
        String message = rootMessage(e);
        if (authentication(e)) {
            message += "; authentication failed: check the user name and password";
        }
        if (side != null) {
            if (message.contains("does not exist") || message.contains("doesn't exist")) {
                message += "; create it on that side, or fix the unit's tables (dualwrite preflight lists what is"
                        + " missing)";
            }
            return side + ": " + message;
        }
        return e.getMessage() == null ? e.toString() : message;
    }
}
