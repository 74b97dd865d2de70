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
 * @param keySource  scope, hint, sql or none
 * @param runsOn     the side it runs on first
 * @param thenOn     the side a write is repeated on, null for none
 * @param journaled  why the other side is journaled instead of written, null when it is not
 * @param rejected   why it would be refused with an SQLException, null when it would run
 * @param reason     the decision in words
 * @param configVersion the document version that decided
 */
public record StatementRoute(String sql, String kind, List<String> tables, String unit, Stage stage, List<String> keys,
                             String keySource, Side runsOn, Side thenOn, String journaled, String rejected,
                             String reason, long configVersion) {

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
                + (keys.isEmpty() ? "none" : keys + " from " + keySource) + ": runs on " + runsOn
                + (thenOn == null ? "" : " then " + thenOn) + (journaled == null ? "" : ", journaled (" + journaled + ")")
                + " - " + reason + " (config v" + configVersion + ")";
    }
}
