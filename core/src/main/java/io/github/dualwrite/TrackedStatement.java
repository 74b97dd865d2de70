package io.github.dualwrite;

/** A statement its connection closes when the connection closes. */
interface TrackedStatement {

    /** Closes without throwing; failures are logged at debug level. */
    void closeQuietly();
}
