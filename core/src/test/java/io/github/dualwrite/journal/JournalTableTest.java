package io.github.dualwrite.journal;

import javax.sql.DataSource;

/** The journal table on H2 in MySQL mode. */
class JournalTableTest extends JournalTableContract {

    @Override
    DataSource database() {
        return JournalTest.h2("journal_table", "MySQL");
    }
}
