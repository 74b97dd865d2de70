package io.github.dualwrite;

/** What a statement does, as far as routing cares. */
enum SqlKind {
    /** A plain read. */
    SELECT(false),
    /** {@code SELECT ... FOR UPDATE} / {@code LOCK IN SHARE MODE}: a read that must lock the authoritative rows. */
    LOCKING_SELECT(false),
    /** {@code INSERT}, including {@code INSERT ... SELECT} and {@code ON DUPLICATE KEY UPDATE}. */
    INSERT(true),
    /** {@code REPLACE}. */
    REPLACE(true),
    /** {@code UPDATE}. */
    UPDATE(true),
    /** {@code DELETE}. */
    DELETE(true),
    /** Schema changes ({@code CREATE}, {@code ALTER}, {@code DROP}, {@code TRUNCATE}). */
    DDL(true),
    /** Transaction control written as SQL ({@code BEGIN}, {@code COMMIT}, {@code SET autocommit}). */
    TRANSACTION_CONTROL(true),
    /** Other data changes the parser understood but routing cannot follow ({@code CALL}, {@code LOAD DATA}). */
    OTHER_WRITE(true),
    /** Anything else the parser understood ({@code SHOW}, {@code SET}, {@code USE}): session and server statements. */
    OTHER(false),
    /** The parser could not read it, or it holds several statements. */
    UNPARSED(true);

    private final boolean write;

    SqlKind(boolean write) {
        this.write = write;
    }

    /** Whether the statement may change data (unparsed statements are assumed to). */
    public boolean isWrite() {
        return write;
    }
}
