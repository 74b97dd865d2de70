package io.github.dualwrite;

import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.Stage;
import java.util.List;

/**
 * Where a statement would go and why, as {@code DualWriteDataSource.explain} reports it without running it.
 *
 * @param sql        the statement
 * @param kind       what it does (SELECT, INSERT, ...)
 * @param tables     the tables it touches
 * @param unit       the migration unit, null when it touches no migrated table (or several)
 * @param stage      the stage that decided, null without unit
 * @param keys       the routing keys found
 * @param keySource  where the keys came from
 * @param runsOn     the side it runs on first
 * @param thenOn     the side a write is repeated on, null for none
 * @param journaled  why the other side is journaled instead of written, null when it is not
 * @param rejected   why it would be refused with an SQLException, null when it would run
 * @param reason     the decision in words
 * @param configVersion the document version that decided
 */
public record StatementRoute(String sql, String kind, List<String> tables, String unit, Stage stage, List<String> keys,
                             KeySource keySource, Side runsOn, Side thenOn, String journaled, String rejected,
                             String reason, long configVersion) {

    /** Where the routing keys of a statement came from. */
    public enum KeySource {
        /** No routing key: the statement follows the base stage (reads) or the unkeyed policy (writes). */
        NONE("none"),
        /** Values the SQL binds to the routing column. */
        SQL("sql"),
        /** An explicit scope ({@code DualWrite.routeBy}). */
        SCOPE("scope"),
        /** A statement hint's key. */
        HINT("hint"),
        /** A scope, plus other users the SQL names. */
        SCOPE_AND_SQL("scope+sql"),
        /** A hint, plus other users the SQL names. */
        HINT_AND_SQL("hint+sql");

        private final String label;

        KeySource(String label) {
            this.label = label;
        }

        /** The short form explain prints: {@code none}, {@code sql}, {@code scope+sql}, ... */
        public String label() {
            return label;
        }

        /** This source with keys from the SQL added. */
        KeySource andSql() {
            return switch (this) {
                case SCOPE, SCOPE_AND_SQL -> SCOPE_AND_SQL;
                case HINT, HINT_AND_SQL -> HINT_AND_SQL;
                case NONE, SQL -> SQL;
            };
        }
    }

    /** Copies the lists. */
    public StatementRoute {
        tables = List.copyOf(tables);
        keys = List.copyOf(keys);
    }

    /** Whether the statement would be refused. */
    public boolean isRejected() {
        return rejected != null;
    }

    @Override
    public String toString() {
        if (rejected != null) {
            return kind + " " + tables + ": REJECTED - " + rejected + " (config v" + configVersion + ")";
        }
        return kind + " " + tables + (unit == null ? "" : ", unit " + unit + " in " + stage) + ", key "
                + (keys.isEmpty() ? "none" : keys + " from " + keySource.label()) + ": runs on " + runsOn
                + (thenOn == null ? "" : " then " + thenOn) + (journaled == null ? "" : ", journaled (" + journaled + ")")
                + " - " + reason + " (config v" + configVersion + ")";
    }
}
