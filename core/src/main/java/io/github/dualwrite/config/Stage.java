package io.github.dualwrite.config;

/**
 * Where a migration unit reads and writes. The order of the constants is the order of a migration:
 * each stage is one step further from the old database than the previous one.
 *
 * <table>
 *   <caption>Stages</caption>
 *   <tr><th>stage</th><th>reads</th><th>writes (first, then)</th></tr>
 *   <tr><td>OLD_ONLY</td><td>old</td><td>old</td></tr>
 *   <tr><td>DUAL_WRITE</td><td>old</td><td>old, new</td></tr>
 *   <tr><td>READ_NEW</td><td>new</td><td>old, new</td></tr>
 *   <tr><td>NEW_PRIMARY</td><td>new</td><td>new, old</td></tr>
 *   <tr><td>NEW_ONLY</td><td>new</td><td>new</td></tr>
 * </table>
 */
public enum Stage {
    /** Before the migration: everything on the old database. */
    OLD_ONLY(Side.OLD, null, Side.OLD),
    /** Old database authoritative; every write is repeated on the new one. */
    DUAL_WRITE(Side.OLD, Side.NEW, Side.OLD),
    /** Old database still authoritative for writes; reads are served by the new one. */
    READ_NEW(Side.OLD, Side.NEW, Side.NEW),
    /** New database authoritative; the old one is still written so that the way back stays open. */
    NEW_PRIMARY(Side.NEW, Side.OLD, Side.NEW),
    /** After the migration: everything on the new database. */
    NEW_ONLY(Side.NEW, null, Side.NEW);

    private final Side authority;
    private final Side secondary;
    private final Side readSide;

    Stage(Side authority, Side secondary, Side readSide) {
        this.authority = authority;
        this.secondary = secondary;
        this.readSide = readSide;
    }

    /** The side written first and trusted when the two sides disagree. */
    public Side authority() {
        return authority;
    }

    /** The side written after the authority, or {@code null} when only one side is written. */
    public Side secondary() {
        return secondary;
    }

    /** Whether writes go to both sides. */
    public boolean writesBoth() {
        return secondary != null;
    }

    /** The side reads are served from. */
    public Side readSide() {
        return readSide;
    }

    /** The side a sampled shadow read is compared against, or {@code null} in single-side stages. */
    public Side shadowSide() {
        return writesBoth() ? readSide.other() : null;
    }

    /** Whether {@code other} is one step before or after this stage. */
    public boolean isAdjacentTo(Stage other) {
        return Math.abs(ordinal() - other.ordinal()) == 1;
    }
}
