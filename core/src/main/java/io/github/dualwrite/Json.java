package io.github.dualwrite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;
import java.util.List;

/** Parameters and key values as JSON for the journal: numbers and text as such, anything else tagged. */
final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static String array(Object[] values) {
        return values == null ? null : array(java.util.Arrays.asList(values));
    }

    static String array(List<?> values) {
        ArrayNode node = MAPPER.createArrayNode();
        for (Object v : values) {
            add(node, v);
        }
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            return String.valueOf(values);
        }
    }

    private static void add(ArrayNode node, Object v) {
        if (v == null) {
            node.addNull();
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            node.add(((Number) v).longValue());
        } else if (v instanceof BigDecimal d) {
            node.add(d);
        } else if (v instanceof BigInteger b) {
            node.add(b);
        } else if (v instanceof Double || v instanceof Float) {
            node.add(((Number) v).doubleValue());
        } else if (v instanceof Boolean b) {
            node.add(b);
        } else if (v instanceof String s) {
            node.add(s);
        } else if (v instanceof byte[] bytes) {
            node.addObject().put("type", "bytes").put("base64", Base64.getEncoder().encodeToString(bytes));
        } else if (v instanceof List<?> list) {
            ArrayNode inner = node.addArray();
            list.forEach(item -> add(inner, item));
        } else {
            node.addObject().put("type", v.getClass().getSimpleName()).put("value", String.valueOf(v));
        }
    }
}
