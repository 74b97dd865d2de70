package io.github.dualwrite.sync;

/**
 * A repair that would overwrite or delete what the side behind has since written as the authority: nothing
 * was changed; the entry becomes a CONFLICT with both sides' rows, for a person to decide.
 */
public final class RepairConflict extends Exception {

    private static final long serialVersionUID = 1L;

    private final String detail;

    /** A conflict with its reason and both sides' rows as JSON. */
    public RepairConflict(String reason, String detail) {
        super(reason);
        this.detail = detail;
    }

    /** Both sides' rows, as JSON. */
    public String detail() {
        return detail;
    }
}
