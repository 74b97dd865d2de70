package io.github.dualwrite.config;

/** What to do with a write to a migrated table when no routing key can be found for it. */
public enum UnkeyedPolicy {
    /** Run it on both sides; the sharded side runs it on every shard. */
    EXECUTE_BOTH,
    /** Run it on the authoritative side only and journal it for repair. */
    JOURNAL,
    /** Refuse it with an {@link java.sql.SQLException}. */
    REJECT
}
