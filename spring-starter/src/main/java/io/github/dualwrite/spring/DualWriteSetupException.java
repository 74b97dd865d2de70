package io.github.dualwrite.spring;

/**
 * The starter cannot set up the dual-write DataSource as configured; the message says what to change.
 * {@link DualWriteFailureAnalyzer} turns it into Spring Boot's startup failure report.
 */
public final class DualWriteSetupException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String action;

    /**
     * @param description what is wrong, with the values found
     * @param action      what to change
     */
    public DualWriteSetupException(String description, String action) {
        super(description + "; " + action);
        this.action = action;
    }

    /** What is wrong. */
    public String description() {
        return getMessage().substring(0, getMessage().length() - action.length() - 2);
    }

    /** What to change. */
    public String action() {
        return action;
    }
}
