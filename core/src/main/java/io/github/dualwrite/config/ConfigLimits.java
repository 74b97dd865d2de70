package io.github.dualwrite.config;

/**
 * Bounds on what a document may hold, so that reading a small hostile or mistaken document (YAML aliases
 * repeat one value many times at no cost in the text) costs bounded memory and yields a short message.
 */
final class ConfigLimits {

    /** Characters of a document (1 MiB): far above any real migration document. */
    static final int MAX_DOCUMENT_CHARS = 1 << 20;
    /** Units in one document. */
    static final int MAX_UNITS = 1_000;
    /** Tables in one unit. */
    static final int MAX_TABLES_PER_UNIT = 1_000;
    /** Entries of any list (whitelists, blacklists, primary keys). */
    static final int MAX_LIST_ENTRIES = 100_000;
    /** Problems listed in one rejection; the rest are counted. */
    static final int MAX_PROBLEMS = 100;
    /** Characters of a value echoed back in a problem. */
    static final int MAX_ECHO = 64;

    private ConfigLimits() {
    }

    /**
     * {@code value} for a problem message: as is when short, else its start and its length, so that a message
     * never grows with the value.
     */
    static String echo(String value) {
        if (value == null) {
            return "null";
        }
        if (value.length() <= MAX_ECHO) {
            return value;
        }
        return value.substring(0, MAX_ECHO) + "... (" + value.length() + " characters)";
    }
}
