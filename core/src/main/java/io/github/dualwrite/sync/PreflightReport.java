package io.github.dualwrite.sync;

import java.util.List;

/**
 * The checks {@link Preflight} ran, each with what to change when it failed.
 *
 * @param checks every check, in order
 */
public record PreflightReport(List<Check> checks) {

    /** How a check came out. */
    public enum Status {
        /** Fine. */
        OK,
        /** Not blocking, but look at it before the stage it matters for. */
        WARN,
        /** Fix it before DUAL_WRITE. */
        FAIL,
        /** Could not be checked (the message says what is needed to check it). */
        SKIPPED
    }

    /**
     * One check.
     *
     * @param unit    the unit
     * @param table   the table
     * @param name    what was checked
     * @param status  the outcome
     * @param message what was found and, when it failed, what to change
     */
    public record Check(String unit, String table, String name, Status status, String message) {
        @Override
        public String toString() {
            return String.format("%-7s %s.%s %s: %s", status, unit, table, name, message);
        }
    }

    /** Copies the list. */
    public PreflightReport {
        checks = List.copyOf(checks);
    }

    /** Whether nothing failed. */
    public boolean passed() {
        return checks.stream().noneMatch(c -> c.status() == Status.FAIL);
    }

    /** The checks that failed. */
    public List<Check> failures() {
        return checks.stream().filter(c -> c.status() == Status.FAIL).toList();
    }
}
