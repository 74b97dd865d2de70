package io.github.dualwrite.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.dualwrite.config.Side;
import java.time.Instant;

/** One journal entry as one line of JSON, for the file journal. */
final class EntryJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private EntryJson() {
    }

    static String write(JournalEntry e) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("entryId", e.entryId());
        n.put("createdAt", e.createdAt().toString());
        n.put("unit", e.unit());
        n.put("table", e.table());
        n.put("routingKey", e.routingKey());
        n.put("primaryKey", e.primaryKey());
        n.put("operation", e.operation().name());
        n.put("failedSide", e.failedSide().name());
        n.put("sql", e.sql());
        n.put("params", e.params());
        n.put("reason", e.reason().name());
        n.put("errorClass", e.errorClass());
        n.put("errorMessage", e.errorMessage());
        n.put("status", e.status().name());
        n.put("attempts", e.attempts());
        n.put("nextAttemptAt", e.nextAttemptAt().toString());
        n.put("detail", e.detail());
        try {
            return MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    static JournalEntry read(String line) throws JsonProcessingException {
        JsonNode n = MAPPER.readTree(line);
        return new JournalEntry(null, text(n, "entryId"), Instant.parse(text(n, "createdAt")), text(n, "unit"),
                text(n, "table"), text(n, "routingKey"), text(n, "primaryKey"),
                JournalEntry.Operation.valueOf(text(n, "operation")),
                Side.valueOf(text(n, "failedSide")), text(n, "sql"), text(n, "params"),
                JournalEntry.Reason.valueOf(text(n, "reason")), text(n, "errorClass"), text(n, "errorMessage"),
                JournalEntry.Status.valueOf(text(n, "status")), n.path("attempts").asInt(),
                Instant.parse(text(n, "nextAttemptAt")), null, null, text(n, "detail"));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
