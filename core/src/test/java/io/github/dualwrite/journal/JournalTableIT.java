package io.github.dualwrite.journal;

import io.github.dualwrite.testing.MariaDbDatabase;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The journal table on the real MariaDB server. */
class JournalTableIT extends JournalTableContract {

    @RegisterExtension
    static final MariaDbDatabase DB = new MariaDbDatabase("journal", 2);

    @Override
    DataSource database() {
        return DB.pool();
    }
}
