package io.github.dualwrite.config;

/** The two databases of a migration: the one being left and the sharded one being moved to. */
public enum Side {
    /** The database the tables are moving away from. */
    OLD,
    /** The new, sharded database (ShardingSphere-JDBC). */
    NEW;

    /** Returns the other side. */
    public Side other() {
        return this == OLD ? NEW : OLD;
    }
}
