package io.github.dualwrite.config;

/** When the secondary side of a dual write runs. */
public enum WriteMode {
    /** In the caller's thread, after the authoritative write and before the call returns. */
    SYNC,
    /** On a bounded executor after the authoritative write; journaled if it fails or is dropped. */
    ASYNC,
    /**
     * Change-log replay (seed 003): writes run on the authority only and every key they touch is journaled;
     * the repairer copies those rows to the other side with RowSync.
     */
    CHANGE_LOG
}
