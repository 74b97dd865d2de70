package io.github.dualwrite.journal;

import io.github.dualwrite.config.Side;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One secondary write that did not verifiably apply, kept until it is repaired. Repair does not replay
 * {@link #sql()}: it re-reads the rows of {@link #routingKey()} (or {@link #primaryKey()}) on the
 * authoritative side and makes the other side equal; the SQL and parameters are there for people.
 *
 * @param id            the journal's own number, null until stored
 * @param entryId       a UUID that makes storing the same entry twice harmless (file replay)
 * @param createdAt     when it happened
 * @param unit          the migration unit
 * @param table         the table written
 * @param routingKey    the user the rows belong to, null when the statement had none
 * @param primaryKey    the primary-key values, JSON array per row, null when unknown
 * @param operation     what the statement did
 * @param failedSide    the side that is behind: repair copies the rows to it from the other side, the one that
 *                      was the authority when the write happened ({@link #trustedSide()})
 * @param sql           the statement as the application sent it
 * @param params        its parameters as JSON
 * @param reason        why it is journaled ({@link Reason})
 * @param errorClass    the exception's class, null when there was none (row-count mismatch, breaker open)
 * @param errorMessage  the exception's message or a description of the mismatch
 * @param status        PENDING until repaired, DONE after, DEAD when given up, CONFLICT when a person must decide
 * @param attempts      repair attempts so far
 * @param nextAttemptAt when the next repair attempt may run
 * @param leaseOwner    the repairer holding it, null when free
 * @param leaseUntil    until when that repairer holds it
 * @param detail        for a CONFLICT, both sides' rows as JSON; null otherwise
 */
public record JournalEntry(Long id, String entryId, Instant createdAt, String unit, String table, String routingKey,
                           String primaryKey, Operation operation, Side failedSide, String sql, String params,
                           Reason reason, String errorClass, String errorMessage, Status status, int attempts,
                           Instant nextAttemptAt, String leaseOwner, Instant leaseUntil, String detail) {

    /** What the journaled statement did. */
    public enum Operation {
        /** {@code INSERT}. */
        INSERT,
        /** {@code INSERT ... ON DUPLICATE KEY UPDATE}. */
        UPSERT,
        /** {@code REPLACE}. */
        REPLACE,
        /** {@code UPDATE}. */
        UPDATE,
        /** {@code DELETE}. */
        DELETE,
        /** Anything else (a statement routing could not see into). */
        OTHER
    }

    /** Repair state. */
    public enum Status {
        /** Waiting to be repaired. */
        PENDING,
        /** Repaired. */
        DONE,
        /** Given up after too many attempts; the reason is kept. */
        DEAD,
        /**
         * Not repaired because it would overwrite what the side behind has since written as the authority (or
         * because entries of the same rows point both ways): both rows are kept in {@link #detail()} and a
         * person decides.
         */
        CONFLICT;

        /** Whether the entry still needs someone: pending, given up or in conflict. */
        public boolean unresolved() {
            return this != DONE;
        }
    }

    /** Why a secondary write was journaled. */
    public enum Reason {
        /** The secondary statement threw. */
        ERROR,
        /** The secondary affected a different number of rows than the authority. */
        ROW_COUNT_MISMATCH,
        /** The driver reported SUCCESS_NO_INFO (-2), so the secondary's effect could not be checked. */
        UNVERIFIED,
        /** The circuit breaker in front of the secondary was open. */
        BREAKER_OPEN,
        /** The secondary committed nothing: its commit failed or its transaction was rolled back alone. */
        COMMIT_FAILED,
        /** The statement carried no routing key and the unkeyed policy is JOURNAL. */
        UNKEYED,
        /** The statement cannot be repeated on the secondary as written (INSERT ... SELECT, LOBs, no column list). */
        NOT_REPEATABLE,
        /** Change-log mode: every write is journaled and copied by the repairer instead of repeated. */
        CHANGE_LOG,
        /** The statement was marked to run on one side only (old-only, skip-secondary); the repairer copies the rows. */
        SKIPPED,
        /** A person decided which side is behind after a conflict; the repairer copies without conflict checks. */
        RESOLVED,
        /** A sampled shadow read found the user's rows different on the two sides, and still after a re-check. */
        SHADOW_MISMATCH,
        /** ASYNC: the lane's queue was full, or the data source closed before the write ran. */
        ASYNC_DROPPED,
        /**
         * ASYNC: not run because running it could apply it twice or out of order (its users were repaired or
         * behind meanwhile, or a transaction spanned several lanes); the repairer copies the rows instead.
         */
        ASYNC_SKIPPED,
        /**
         * A unit-wide entry written once when a SYNC secondary's breaker opened: it stands for every write of
         * the unit the breaker made skip until their own entries are stored (in the background, in batches).
         * Its process keeps it from being due while it lives, and closes it once every such entry is stored; a
         * repairer that finds it due (its process died first) verifies the whole unit and repairs what differs.
         */
        OUTAGE
    }

    /** Checks the required parts. */
    public JournalEntry {
        Objects.requireNonNull(entryId, "entryId");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(failedSide, "failedSide");
        Objects.requireNonNull(sql, "sql");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
    }

    /** A new pending entry with a fresh entry id. */
    public static JournalEntry pending(Instant now, String unit, String table, String routingKey, String primaryKey,
                                       Operation operation, Side failedSide, String sql, String params, Reason reason,
                                       String errorClass, String errorMessage) {
        return new JournalEntry(null, UUID.randomUUID().toString(), now, unit, table, routingKey, primaryKey,
                operation, failedSide, sql, params, reason, errorClass, truncate(errorMessage, 2000),
                Status.PENDING, 0, now, null, null, null);
    }

    /** The table named by an {@link Reason#OUTAGE} entry: it stands for every table of its unit. */
    public static final String EVERY_TABLE = "*";

    /**
     * A new {@link Reason#OUTAGE} entry for {@code unit}, saying {@code behind} is behind, not due before
     * {@code leaseUntil} (its owner moves that on while it lives).
     */
    public static JournalEntry outage(Instant now, String unit, Side behind, String owner, Instant leaseUntil) {
        return new JournalEntry(null, UUID.randomUUID().toString(), now, unit, EVERY_TABLE, null, null, Operation.OTHER,
                behind, "-- writes skipped while the circuit breaker in front of " + behind + " was open", null,
                Reason.OUTAGE, null, "kept open by " + owner + " until every skipped write of the unit has its own entry;"
                + " when that process died first, the repairer verifies the whole unit", Status.PENDING, 0, leaseUntil,
                null, null, null);
    }

    /** A copy with the journal's id. */
    public JournalEntry withId(long newId) {
        return new JournalEntry(newId, entryId, createdAt, unit, table, routingKey, primaryKey, operation, failedSide,
                sql, params, reason, errorClass, errorMessage, status, attempts, nextAttemptAt, leaseOwner, leaseUntil,
                detail);
    }

    /** A copy that says {@code side} is behind (the other side holds the write). */
    public JournalEntry withFailedSide(Side side) {
        return new JournalEntry(id, entryId, createdAt, unit, table, routingKey, primaryKey, operation,
                Objects.requireNonNull(side, "side"), sql, params, reason, errorClass, errorMessage, status, attempts,
                nextAttemptAt, leaseOwner, leaseUntil, detail);
    }

    /**
     * The side that holds the write and was the authority for it when it happened: repair copies from here to
     * {@link #failedSide()}, whatever the stage is at repair time, and never changes this side.
     */
    public Side trustedSide() {
        return failedSide.other();
    }

    /** One line for logs: everything needed to repair by hand if the journal itself is lost. */
    public String describe() {
        return "unit=" + unit + " table=" + table + " key=" + routingKey + " pk=" + primaryKey + " op=" + operation
                + " behind=" + failedSide + " reason=" + reason + " error=" + errorClass + ": " + errorMessage
                + " sql=" + sql + " params=" + params + " at=" + createdAt + " entry=" + entryId
                + (detail == null ? "" : " detail=" + detail);
    }

    static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
