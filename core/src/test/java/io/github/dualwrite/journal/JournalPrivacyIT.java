package io.github.dualwrite.journal;

import io.github.dualwrite.testing.MariaDbDatabase;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The journal's privacy and retention on the real MariaDB server. */
class JournalPrivacyIT extends JournalPrivacyContract {

    @RegisterExtension
    static final MariaDbDatabase DB = new MariaDbDatabase("jprivacy", 2);

    @Override
    DataSource database() {
        return DB.pool();
    }
}
