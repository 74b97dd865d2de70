package io.github.dualwrite.journal;

import java.util.List;
import java.util.Locale;

/** The journal table's DDL for the databases the journal may live on. */
final class JournalSchema {

    private JournalSchema() {
    }

    /** Statements that create the table and its index if absent, for a JDBC product name. */
    static List<String> create(String productName, String table) {
        String product = productName.toLowerCase(Locale.ROOT);
        if (product.contains("postgres")) {
            return List.of("CREATE TABLE IF NOT EXISTS " + table + " (id BIGSERIAL PRIMARY KEY, "
                            + columns("TIMESTAMP(3)", "TEXT") + ", CONSTRAINT " + table + "_entry UNIQUE (entry_id))",
                    "CREATE INDEX IF NOT EXISTS " + table + "_due ON " + table + " (status, id)",
                    "CREATE INDEX IF NOT EXISTS " + table + "_key ON " + table + " (status, failed_side, routing_key)");
        }
        if (product.contains("mysql") || product.contains("mariadb")) {
            // DATETIME, not TIMESTAMP: MySQL gives a NOT NULL TIMESTAMP an implicit ON UPDATE
            return List.of("CREATE TABLE IF NOT EXISTS " + table + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, "
                    + columns("DATETIME(3)", "MEDIUMTEXT") + ", UNIQUE KEY " + table + "_entry (entry_id),"
                    + " KEY " + table + "_due (status, id), KEY " + table + "_key (status, failed_side, routing_key))"
                    + " DEFAULT CHARSET=utf8mb4");
        }
        if (product.contains("h2")) {
            return List.of("CREATE TABLE IF NOT EXISTS " + table + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, "
                            + columns("TIMESTAMP(3)", "CLOB") + ", CONSTRAINT " + table + "_entry UNIQUE (entry_id))",
                    "CREATE INDEX IF NOT EXISTS " + table + "_due ON " + table + " (status, id)",
                    "CREATE INDEX IF NOT EXISTS " + table + "_key ON " + table + " (status, failed_side, routing_key)");
        }
        throw new IllegalArgumentException("the journal table has DDL for H2, MySQL/MariaDB and PostgreSQL, not for "
                + productName + "; create table " + table + " yourself with the columns of " + JournalSchema.class.getName());
    }

    private static String columns(String timestamp, String text) {
        return "entry_id VARCHAR(36) NOT NULL, created_at " + timestamp + " NOT NULL, unit_name VARCHAR(64) NOT NULL,"
                + " table_name VARCHAR(128) NOT NULL, routing_key VARCHAR(255) NULL, primary_key VARCHAR(1024) NULL,"
                + " operation VARCHAR(16) NOT NULL, failed_side VARCHAR(8) NOT NULL, sql_text " + text + " NOT NULL,"
                + " params " + text + " NULL, reason VARCHAR(32) NOT NULL, error_class VARCHAR(255) NULL,"
                + " error_message VARCHAR(2000) NULL, status VARCHAR(16) NOT NULL, attempts INT NOT NULL,"
                + " next_attempt_at " + timestamp + " NOT NULL, lease_owner VARCHAR(128) NULL, lease_until "
                + timestamp + " NULL, detail " + text + " NULL";
    }

    /** Column list for INSERT, in the order {@link JdbcJournal} binds them. */
    static final String INSERT_COLUMNS = "entry_id, created_at, unit_name, table_name, routing_key, primary_key,"
            + " operation, failed_side, sql_text, params, reason, error_class, error_message, status, attempts,"
            + " next_attempt_at, lease_owner, lease_until, detail";

    /** Column list for SELECT, in the order {@link JdbcJournal} reads them. */
    static final String SELECT_COLUMNS = "id, " + INSERT_COLUMNS;
}
