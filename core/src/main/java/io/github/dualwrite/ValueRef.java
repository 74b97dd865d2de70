package io.github.dualwrite;

/**
 * Where a value sits in a statement: a {@code ?}, a literal, or an expression whose value only the
 * database knows ({@code NOW()}, {@code a + 1}).
 *
 * @param parameterIndex 0-based index of the {@code ?}, or -1
 * @param literal        the literal's value (Integer, Long, String, BigDecimal or null) for literals
 * @param expression     the expression's text for expressions, null otherwise
 */
record ValueRef(int parameterIndex, Object literal, String expression) {

    /** A parameter marker. */
    public static ValueRef parameter(int index) {
        return new ValueRef(index, null, null);
    }

    /** A literal value. */
    public static ValueRef literal(Object value) {
        return new ValueRef(-1, value, null);
    }

    /** An expression the database evaluates. */
    public static ValueRef expression(String text) {
        return new ValueRef(-1, null, text);
    }

    /** Whether this is a {@code ?}. */
    public boolean isParameter() {
        return parameterIndex >= 0;
    }

    /** Whether the value can be known before execution (a parameter or a literal). */
    public boolean isKnown() {
        return expression == null;
    }

    /**
     * The value given the bound parameters ({@code params[i]} is parameter {@code i}); null for unbound
     * parameters, NULL literals and expressions.
     */
    public Object resolve(Object[] params) {
        if (parameterIndex >= 0) {
            return params != null && parameterIndex < params.length ? params[parameterIndex] : null;
        }
        return literal;
    }

    @Override
    public String toString() {
        if (parameterIndex >= 0) {
            return "?" + (parameterIndex + 1);
        }
        return expression != null ? expression : String.valueOf(literal);
    }
}
