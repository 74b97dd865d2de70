package io.github.dualwrite;

import io.github.dualwrite.config.RoutingKey;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.journal.JournalEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Builds journal entries for a statement whose secondary write did not verifiably apply. */
final class Journaling {

    private Journaling() {
    }

    /**
     * One entry per routing key of the statement (one with no key when it had none), so that repair can
     * work user by user.
     */
    static List<JournalEntry> entries(Instant now, Plan plan, Object[] values, List<Object> ids, Side behind,
                                      JournalEntry.Reason reason, Throwable error, String message) {
        SqlShape shape = plan.shape();
        String unit = plan.unit() == null ? "-" : plan.unit().name();
        List<String> tables = new ArrayList<>(1);
        for (String t : shape.tables()) {
            if (plan.unit() == null || plan.unit().table(t).isPresent()) {
                tables.add(t); // every table of the unit the statement writes (a multi-table UPDATE or DELETE)
            }
        }
        if (tables.isEmpty()) {
            tables.add("-");
        }
        String pk = primaryKey(plan, values, ids);
        String params = Json.array(values);
        String errorClass = error == null ? null : error.getClass().getName();
        String text = message != null ? message : error == null ? null : String.valueOf(error.getMessage());
        List<RoutingKey> keys = plan.keys().isEmpty() ? java.util.Collections.singletonList(null) : plan.keys();
        List<JournalEntry> out = new ArrayList<>(keys.size() * tables.size());
        for (String table : tables) {
            String tablePk = !shape.tables().isEmpty() && table.equals(shape.tables().get(0)) ? pk : null;
            for (RoutingKey key : keys) {
                out.add(JournalEntry.pending(now, unit, table, key == null ? null : key.toString(), tablePk,
                        operation(shape), behind, shape.sql(), params, reason, errorClass, text));
            }
        }
        return out;
    }

    static JournalEntry.Operation operation(SqlShape shape) {
        if (shape.kind() == SqlKind.INSERT && shape.insert() != null && shape.insert().onDuplicateKey()) {
            return JournalEntry.Operation.UPSERT;
        }
        return switch (shape.kind()) {
            case INSERT -> JournalEntry.Operation.INSERT;
            case REPLACE -> JournalEntry.Operation.REPLACE;
            case UPDATE -> JournalEntry.Operation.UPDATE;
            case DELETE -> JournalEntry.Operation.DELETE;
            default -> JournalEntry.Operation.OTHER;
        };
    }

    /** The primary-key values the statement names, as a JSON array; null when it names none or several columns. */
    private static String primaryKey(Plan plan, Object[] values, List<Object> ids) {
        if (ids != null && !ids.isEmpty()) {
            return Json.array(ids);
        }
        if (plan.unit() == null || plan.shape().tables().isEmpty()) {
            return null;
        }
        List<String> pk = plan.unit().table(plan.shape().tables().get(0)).map(t -> t.primaryKey()).orElse(List.of());
        if (pk.size() != 1) {
            return null;
        }
        List<ValueRef> refs = plan.shape().bindings(pk.get(0));
        if (refs.isEmpty()) {
            return null;
        }
        List<Object> out = new ArrayList<>(refs.size());
        for (ValueRef ref : refs) {
            if (!ref.isKnown()) {
                return null;
            }
            out.add(ref.resolve(values));
        }
        return Json.array(out);
    }
}
