package io.github.dualwrite.sync;

import io.github.dualwrite.config.TableConfig;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * How one side quotes identifiers: MySQL and MariaDB with backticks, H2, PostgreSQL and the rest with the
 * quote their driver reports (double quotes). Every table and column name the sync tools put into SQL is
 * checked ({@link TableConfig#whyInvalidName}) and quoted, so that a column named {@code desc} or {@code key}
 * works and a name that is SQL cannot change a statement. Behind ShardingSphere the product is the one of the
 * physical databases; ShardingSphere reads H2 with its MySQL grammar, so H2 behind it gets backticks too.
 */
final class Dialect {

    private final String quote;
    private final boolean upper;
    private final boolean lower;

    private Dialect(String quote, boolean upper, boolean lower) {
        this.quote = quote;
        this.upper = upper;
        this.lower = lower;
    }

    static Dialect of(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            DatabaseMetaData md = c.getMetaData();
            String product = String.valueOf(md.getDatabaseProductName()).toLowerCase(Locale.ROOT);
            // ShardingSphere parses H2 with its MySQL grammar, where "x" is a string: the sharding column in
            // WHERE "user_id" = ? would not be seen and the statement would go to every shard
            boolean shardingSphere = c.getClass().getName().contains("shardingsphere")
                    || md.getClass().getName().contains("shardingsphere");
            boolean backticks = product.contains("mysql") || product.contains("mariadb")
                    || shardingSphere && product.contains("h2");
            String quote = backticks ? "`" : md.getIdentifierQuoteString();
            if (quote == null || quote.isBlank()) {
                quote = "\"";
            }
            return new Dialect(quote.trim(), md.storesUpperCaseIdentifiers(), md.storesLowerCaseIdentifiers());
        }
    }

    /** A configured name, as {@code ds} stores it, checked and quoted (for the occasional statement). */
    static String quoted(DataSource ds, String configured) throws SQLException {
        Dialect d = of(ds);
        return d.quote(d.stored(configured), "a configured name");
    }

    /**
     * A configured (unquoted) name as this database stores it: upper case on a database that folds unquoted
     * names to upper case (H2 by default, Oracle), lower case on one that folds to lower case (PostgreSQL).
     */
    String stored(String configured) {
        return upper ? configured.toUpperCase(Locale.ROOT) : lower ? configured.toLowerCase(Locale.ROOT) : configured;
    }

    /**
     * {@code name} quoted, exactly as written.
     *
     * @param what where the name comes from, for the error ({@code column of table t on the old side})
     * @throws SQLException when it is not a plain identifier
     */
    String quote(String name, String what) throws SQLException {
        String why = TableConfig.whyInvalidName(name);
        if (why != null) {
            throw new SQLException("dualwrite: " + what + ": " + why + "; dualwrite copies only tables whose shared"
                    + " columns have plain names (rename the column, or leave the table out of the unit)", "42000");
        }
        return quote + name + quote;
    }
}
