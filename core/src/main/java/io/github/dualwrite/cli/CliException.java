package io.github.dualwrite.cli;

/** A failure the CLI explains in one message (what, where, the fix) and ends with an exit code. */
final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** A usage or environment error: exit 2. */
    static CliException error(String message) {
        return new CliException(Main.ERROR, message);
    }

    /** A usage or environment error with its cause (shown with --trace): exit 2. */
    static CliException error(String message, Throwable cause) {
        return new CliException(Main.ERROR, message, cause);
    }

    int exitCode() {
        return exitCode;
    }
}
