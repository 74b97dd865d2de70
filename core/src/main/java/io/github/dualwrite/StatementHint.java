package io.github.dualwrite;

import io.github.dualwrite.config.RoutingKey;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Objects;

/**
 * What an integration (the MyBatis plugin) knows about the statement it is about to run, handed to the
 * engine with {@link DualWrite#hint(StatementHint)} for the duration of the call:
 *
 * <ul>
 *   <li>the routing key, used by every statement of the call (a hint without key leaves routing to the SQL);</li>
 *   <li>for the statement whose SQL text equals {@link #sql()} only: a {@link StatementControl}, and the SQL
 *       to run instead whenever it runs on the new side (a new schema that renamed columns), with the
 *       binder that sets that SQL's parameters.</li>
 * </ul>
 *
 * <p>Other statements of the same call (a {@code selectKey}, a nested select, PageHelper's count query)
 * have other SQL and keep the default control and their own SQL.
 */
public final class StatementHint {

    /** Sets the parameters of the new side's SQL on a prepared statement. */
    @FunctionalInterface
    public interface ParameterBinder {
        /** Binds every parameter of the new side's SQL. */
        void bind(PreparedStatement ps) throws SQLException;
    }

    private final RoutingKey key;
    private final String sql;
    private final StatementControl control;
    private final String newSideSql;
    private final ParameterBinder newSideBinder;

    private StatementHint(Builder b) {
        this.key = b.key;
        this.sql = b.sql;
        this.control = b.control;
        this.newSideSql = b.newSideSql;
        this.newSideBinder = b.newSideBinder;
    }

    /** A hint carrying only a routing key. */
    public static StatementHint key(Object key) {
        return builder().key(key).build();
    }

    /** Starts a hint. */
    public static Builder builder() {
        return new Builder();
    }

    /** The routing key, or null when the caller found none. */
    public RoutingKey routingKey() {
        return key;
    }

    /** The SQL text the control and the new side's SQL apply to, or null. */
    public String sql() {
        return sql;
    }

    /** The control of the statement with {@link #sql()}. */
    public StatementControl control() {
        return control;
    }

    /** The SQL to run on the new side instead of {@link #sql()}, or null. */
    public String newSideSql() {
        return newSideSql;
    }

    /** Binds {@link #newSideSql()}'s parameters, or null. */
    public ParameterBinder newSideBinder() {
        return newSideBinder;
    }

    /** Whether the control and the new side's SQL apply to a statement with this text. */
    public boolean appliesTo(String statementSql) {
        return sql != null && sql.equals(statementSql);
    }

    @Override
    public String toString() {
        return "StatementHint[key=" + key + ", control=" + control + (newSideSql == null ? "" : ", new side runs other SQL") + "]";
    }

    /** Builds a {@link StatementHint}. */
    public static final class Builder {
        private RoutingKey key;
        private String sql;
        private StatementControl control = StatementControl.DEFAULT;
        private String newSideSql;
        private ParameterBinder newSideBinder;

        private Builder() {
        }

        /**
         * The routing key (see {@link RoutingKey#of(Object)}); null for none.
         *
         * @throws IllegalArgumentException if the key is blank or not whole
         */
        public Builder key(Object value) {
            this.key = value == null ? null : RoutingKey.of(value);
            return this;
        }

        /** The SQL text of the statement the control and the new side's SQL are for. */
        public Builder sql(String value) {
            this.sql = value;
            return this;
        }

        /** The statement's control; default {@link StatementControl#DEFAULT}. */
        public Builder control(StatementControl value) {
            this.control = Objects.requireNonNull(value, "control");
            return this;
        }

        /** The SQL the new side runs instead, and how to bind its parameters. */
        public Builder newSide(String value, ParameterBinder binder) {
            this.newSideSql = Objects.requireNonNull(value, "newSideSql");
            this.newSideBinder = Objects.requireNonNull(binder, "binder");
            return this;
        }

        /**
         * The hint.
         *
         * @throws IllegalStateException if a control or new side's SQL is given without the SQL it is for
         */
        public StatementHint build() {
            if (sql == null && (control != StatementControl.DEFAULT || newSideSql != null)) {
                throw new IllegalStateException("StatementHint: a control (" + control + ") or a new side's SQL needs"
                        + " the SQL of the statement it is for: call sql(...)");
            }
            return new StatementHint(this);
        }
    }
}
