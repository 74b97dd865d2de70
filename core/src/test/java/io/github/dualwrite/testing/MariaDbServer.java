package io.github.dualwrite.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The MariaDB server the integration tests run against: {@code 127.0.0.1:3306}, root, empty password,
 * unless the system properties {@code dualwrite.it.mariadb.url}, {@code .user} and {@code .password} (or
 * the environment variables {@code DUALWRITE_IT_MARIADB_URL}, {@code _USER}, {@code _PASSWORD}) say
 * otherwise. Each caller gets fresh, uniquely named databases and drops them when done.
 */
public final class MariaDbServer {

    private static final String URL = setting("url", "jdbc:mariadb://127.0.0.1:3306/");
    private static final String USER = setting("user", "root");
    private static final String PASSWORD = setting("password", "");

    private MariaDbServer() {
    }

    /** A new database name: {@code dw_<prefix>_<random>}, lower case, at most 64 characters. */
    public static String uniqueName(String prefix) {
        String clean = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (clean.length() > 40) {
            clean = clean.substring(clean.length() - 40);
        }
        return "dw_" + clean + "_" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    }

    /** Creates an empty database. */
    public static void createDatabase(String name) {
        admin("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
    }

    /** Drops a database if it exists. */
    public static void dropDatabase(String name) {
        admin("DROP DATABASE IF EXISTS `" + name + "`");
    }

    /** The JDBC URL of a database on this server. */
    public static String url(String database) {
        return URL + database + "?useServerPrepStmts=false&rewriteBatchedStatements=false";
    }

    /** The user the tests connect as. */
    public static String user() {
        return USER;
    }

    /** That user's password. */
    public static String password() {
        return PASSWORD;
    }

    /** A small HikariCP pool on a database. */
    public static HikariDataSource pool(String database, int size) {
        return pool(database, size, null);
    }

    /**
     * A small HikariCP pool on a database reached through {@code proxy} (direct when null), with HikariCP's and
     * the driver's defaults otherwise (no socket timeout, 30 s to wait for a connection): what a user starts with.
     */
    public static HikariDataSource pool(String database, int size, FaultProxy proxy) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(proxy == null ? url(database) : proxy.jdbcUrl(url(database)));
        config.setUsername(USER);
        config.setPassword(PASSWORD);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(1);
        config.setPoolName("it-" + database);
        return new HikariDataSource(config);
    }

    private static void admin(String sql) {
        try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("MariaDB at " + URL + " as " + USER + " refused `" + sql + "`: "
                    + e.getMessage() + ". Start it (start-stop-daemon --start --background --exec /usr/sbin/mariadbd)"
                    + " or point -Ddualwrite.it.mariadb.url at a running server.", e);
        }
    }

    private static String setting(String name, String fallback) {
        String property = System.getProperty("dualwrite.it.mariadb." + name);
        if (property != null) {
            return property;
        }
        String env = System.getenv("DUALWRITE_IT_MARIADB_" + name.toUpperCase(Locale.ROOT));
        return env != null ? env : fallback;
    }
}
