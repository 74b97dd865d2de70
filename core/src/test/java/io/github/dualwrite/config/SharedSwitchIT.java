package io.github.dualwrite.config;

import io.github.dualwrite.testing.MariaDbDatabase;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The shared switch on the real MariaDB server, polled by two instances. */
class SharedSwitchIT extends SharedSwitchContract {

    @RegisterExtension
    static final MariaDbDatabase DB = new MariaDbDatabase("config", 4);

    @Override
    DataSource database() {
        return DB.pool();
    }
}
