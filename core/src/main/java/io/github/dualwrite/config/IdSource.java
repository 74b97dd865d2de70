package io.github.dualwrite.config;

/**
 * Where a table's ids come from when an INSERT leaves its primary key out. One source per table, valid in
 * every stage it allows: the same id then lands on both sides and no generated key has to be carried across.
 */
public enum IdSource {
    /**
     * The old side's AUTO_INCREMENT. Valid only while the old side is the authority: the old side runs first
     * and its ids are copied into the new side's INSERT. A unit with such a table cannot enter NEW_PRIMARY.
     */
    OLD(true),
    /**
     * A segment allocator (table {@code dualwrite_sequence} on a database you name): the library puts the next
     * ids into every INSERT that omits them, in every stage.
     */
    SEQUENCE(false),
    /** The {@link io.github.dualwrite.ids.IdGenerator} registered for the table on the data source builder. */
    GENERATOR(false),
    /**
     * The application gives every id. An INSERT without it is still given the old side's id while the old
     * side is the authority, and refused once the new side is.
     */
    APPLICATION(true);

    private final boolean oldGenerates;

    IdSource(boolean oldGenerates) {
        this.oldGenerates = oldGenerates;
    }

    /** Whether the old side's AUTO_INCREMENT makes the ids of INSERTs that omit them. */
    public boolean oldGenerates() {
        return oldGenerates;
    }

    /** Whether the library puts ids into INSERTs that omit them. */
    public boolean injects() {
        return !oldGenerates;
    }
}
