package io.github.dualwrite.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.dualwrite.config.Side;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** Both sides' versions of the rows that differ, as JSON: what a CONFLICT entry keeps for a person. */
final class Conflicts {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Conflicts() {
    }

    /** {@code {"table":..,"from":"OLD","rows":[{"key":..,"OLD":{..}|null,"NEW":{..}|null}]}} for the rows that differ. */
    static String json(TableAccess access, Side from, Map<TableAccess.Key, Object[]> fromRows,
                       Map<TableAccess.Key, Object[]> otherRows) {
        Side other = from.other();
        ObjectNode root = JSON.createObjectNode();
        root.put("table", access.table);
        root.put("from", from.name());
        ArrayNode rows = root.putArray("rows");
        Set<TableAccess.Key> keys = new LinkedHashSet<>(fromRows.keySet());
        keys.addAll(otherRows.keySet());
        for (TableAccess.Key k : keys) {
            Object[] a = fromRows.get(k);
            Object[] b = otherRows.get(k);
            if (a != null && b != null && access.differences(a, b).isEmpty()) {
                continue;
            }
            ObjectNode row = rows.addObject();
            row.put("key", k.toString());
            put(access, row, from.name(), a);
            put(access, row, other.name(), b);
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static void put(TableAccess access, ObjectNode row, String side, Object[] values) {
        if (values == null) {
            row.putNull(side);
            return;
        }
        ObjectNode columns = row.putObject(side);
        for (int i = 0; i < values.length; i++) {
            Object v = Values.normal(values[i]);
            columns.put(access.oldColumns.get(i), v == null ? null : v instanceof byte[] bytes
                    ? "0x" + java.util.HexFormat.of().formatHex(bytes) : String.valueOf(v));
        }
    }
}
