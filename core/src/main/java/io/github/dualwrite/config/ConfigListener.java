package io.github.dualwrite.config;

/**
 * Told about every accepted (and, optionally, rejected) document. Called after the swap, in the applying
 * thread; an exception thrown here is logged and affects neither the swap nor the other listeners.
 */
@FunctionalInterface
public interface ConfigListener {

    /** A new document is in force. */
    void onChange(ConfigChange change);

    /** A document was rejected; the current one stays. Does nothing by default. */
    default void onRejected(String source, java.util.List<ConfigProblem> problems) {
    }
}
