package io.github.dualwrite.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a journal keeps of a write and for how long: the data-protection settings of {@link JdbcJournal} and
 * {@link FileJournal}. Applied to every entry before it is stored or logged, so a log line never shows more
 * than the journal keeps.
 *
 * <p>Repair needs only the unit, the table, the routing key and the primary key: it re-reads the rows on the
 * side that holds them. Everything else is for people, and the default ({@link Params#KEYS_ONLY}) keeps none of
 * the written values.
 *
 * @param params               how much of the bound parameters, the SQL text and error messages is kept
 * @param redactor             a last rule of the application's own, applied after {@code params}
 * @param retention            how long DONE entries are kept (by when they were written) before they are purged
 * @param backlogWarnThreshold pending entries above which the journal warns (rate-limited) that a person should look
 */
public record JournalPolicy(Params params, Redactor redactor, Duration retention, long backlogWarnThreshold) {

    /** Keys only, no redactor, DONE entries kept 7 days, a warning above 10,000 pending entries. */
    public static final JournalPolicy DEFAULTS =
            new JournalPolicy(Params.KEYS_ONLY, Redactor.NONE, Duration.ofDays(7), 10_000);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern QUOTED = Pattern.compile("'(?:[^'\\\\]|''|\\\\.)*'");
    private static final Pattern NUMBER = Pattern.compile("(?<![\\w$.])-?\\d+(?:\\.\\d+)?(?![\\w$])");

    /** How much of the written values an entry keeps ({@code journal.params}). */
    public enum Params {
        /** Everything: the parameters as JSON, the SQL and error messages as they were. */
        FULL,
        /**
         * No parameters; literals in the SQL text (strings and numbers), quoted values in error messages and the
         * column values of conflict rows replaced by {@code ?}.
         */
        KEYS_ONLY,
        /** Like KEYS_ONLY, but each parameter keeps its type and length ({@code "<text:31>"}, {@code "<number>"}). */
        REDACTED
    }

    /**
     * An application's own rule, run on every entry after {@link Params} (hash a column, drop a table's SQL).
     * It must keep {@code unit}, {@code table}, {@code routingKey} and {@code primaryKey}: repair needs them; an
     * entry returned without them is stored as the redactor's input instead. It must not throw; if it does, the
     * entry is stored with {@link Params#KEYS_ONLY} applied and nothing else.
     */
    @FunctionalInterface
    public interface Redactor {
        /** Keeps everything. */
        Redactor NONE = entry -> entry;

        /** The entry as it may be stored and logged. */
        JournalEntry redact(JournalEntry entry);
    }

    /** Checks the settings. */
    public JournalPolicy {
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(redactor, "redactor");
        if (retention == null || retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("journal retention must be a positive duration (e.g. 7 days) but was "
                    + retention);
        }
        if (backlogWarnThreshold < 1) {
            throw new IllegalArgumentException("journal backlog-warn-threshold must be at least 1 but was "
                    + backlogWarnThreshold);
        }
    }

    /** A copy with another {@code params} setting. */
    public JournalPolicy withParams(Params value) {
        return new JournalPolicy(value, redactor, retention, backlogWarnThreshold);
    }

    /** A copy with another redactor. */
    public JournalPolicy withRedactor(Redactor value) {
        return new JournalPolicy(params, value, retention, backlogWarnThreshold);
    }

    /** A copy with another retention of DONE entries. */
    public JournalPolicy withRetention(Duration value) {
        return new JournalPolicy(params, redactor, value, backlogWarnThreshold);
    }

    /** A copy with another backlog warning threshold. */
    public JournalPolicy withBacklogWarnThreshold(long value) {
        return new JournalPolicy(params, redactor, retention, value);
    }

    /** The entry as this policy lets it be stored and logged. */
    JournalEntry apply(JournalEntry e) {
        JournalEntry reduced = reduce(e, params);
        if (redactor == Redactor.NONE) {
            return reduced;
        }
        try {
            JournalEntry out = redactor.redact(reduced);
            boolean keepsKeys = out != null && Objects.equals(out.unit(), e.unit()) && Objects.equals(out.table(), e.table())
                    && Objects.equals(out.routingKey(), e.routingKey()) && Objects.equals(out.primaryKey(), e.primaryKey())
                    && Objects.equals(out.entryId(), e.entryId());
            return keepsKeys ? out : reduced;
        } catch (RuntimeException redactorFailure) {
            return reduce(e, Params.KEYS_ONLY);
        }
    }

    /** A conflict's rows as this policy lets them be stored: values replaced unless FULL. */
    String applyToDetail(String detail) {
        return params == Params.FULL ? detail : maskDetail(detail);
    }

    private static String maskDetail(String detail) {
        if (detail == null) {
            return null;
        }
        try {
            JsonNode root = JSON.readTree(detail);
            maskRowValues(root);
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException notJson) {
            return maskMessage(detail);
        }
    }

    /** Error text as this policy lets it be stored. */
    String applyToText(String text) {
        return params == Params.FULL ? text : maskMessage(text);
    }

    private static JournalEntry reduce(JournalEntry e, Params mode) {
        if (mode == Params.FULL) {
            return e;
        }
        String params = mode == Params.REDACTED ? shapes(e.params()) : null;
        return new JournalEntry(e.id(), e.entryId(), e.createdAt(), e.unit(), e.table(), e.routingKey(), e.primaryKey(),
                e.operation(), e.failedSide(), maskSql(e.sql()), params, e.reason(), e.errorClass(),
                maskMessage(e.errorMessage()), e.status(), e.attempts(), e.nextAttemptAt(), e.leaseOwner(), e.leaseUntil(),
                maskDetail(e.detail()));
    }

    /** {@code ["<number>", "<text:31>", null]} for a JSON array of values; null when not readable. */
    static String shapes(String paramsJson) {
        if (paramsJson == null) {
            return null;
        }
        try {
            JsonNode values = JSON.readTree(paramsJson);
            ArrayNode out = JSON.createArrayNode();
            if (values.isArray()) {
                for (JsonNode v : values) {
                    out.add(v.isNull() ? null : v.isNumber() ? "<number>" : v.isBoolean() ? "<boolean>"
                            : v.isTextual() ? "<text:" + v.asText().length() + ">" : "<" + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + ">");
                }
            }
            return JSON.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /**
     * {@code message} with the values it quotes replaced by {@code '?'}: for log lines about failed writes, which
     * never show the values written ({@code Duplicate entry '?' for key '?'}).
     */
    public static String withoutValues(String message) {
        return maskMessage(message);
    }

    /** String and number literals replaced by {@code ?}: SQL text keeps its shape only. */
    static String maskSql(String sql) {
        if (sql == null) {
            return null;
        }
        return NUMBER.matcher(QUOTED.matcher(sql).replaceAll("'?'")).replaceAll("?");
    }

    /**
     * Quoted values replaced by {@code '?'}: a driver's message ({@code Duplicate entry 'x' for key ...}) keeps
     * its words, counts and column names, not the values it quotes.
     */
    static String maskMessage(String text) {
        return text == null ? null : QUOTED.matcher(text).replaceAll("'?'");
    }

    private static void maskRowValues(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode v = field.getValue();
                if (v.isContainerNode()) {
                    maskRowValues(v);
                } else if (!v.isNull() && !field.getKey().equals("table") && !field.getKey().equals("from")
                        && !field.getKey().equals("key")) {
                    field.setValue(JSON.getNodeFactory().textNode("?"));
                }
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(JournalPolicy::maskRowValues);
        }
    }
}
