package io.github.dualwrite.testing;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh MariaDB database for one test class: created before its first test, with a small pool, and
 * dropped after its last. Register it as {@code @RegisterExtension static final MariaDbDatabase DB = new
 * MariaDbDatabase("journal", 2);} and use {@link #pool()}.
 */
public final class MariaDbDatabase implements BeforeAllCallback, AfterAllCallback {

    private final String name;
    private final int poolSize;
    private HikariDataSource pool;

    /** A database named {@code dw_<prefix>_<random>} with a pool of {@code poolSize} connections. */
    public MariaDbDatabase(String prefix, int poolSize) {
        this.name = MariaDbServer.uniqueName(prefix);
        this.poolSize = poolSize;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        MariaDbServer.createDatabase(name);
        pool = MariaDbServer.pool(name, poolSize);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (pool != null) {
                pool.close();
            }
        } finally {
            MariaDbServer.dropDatabase(name);
        }
    }

    /** The pool on the database; available from the class's first test on. */
    public HikariDataSource pool() {
        if (pool == null) {
            throw new IllegalStateException("database " + name + " is created before the first test: register the"
                    + " extension as a static field with @RegisterExtension");
        }
        return pool;
    }

    /** The database's name. */
    public String name() {
        return name;
    }
}
