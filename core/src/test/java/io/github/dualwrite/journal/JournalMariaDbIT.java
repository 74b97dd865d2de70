package io.github.dualwrite.journal;

import com.zaxxer.hikari.HikariDataSource;
import io.github.dualwrite.testing.MariaDbServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The journal table's MySQL/MariaDB DDL and round trip on the real server. */
class JournalMariaDbIT {

    private static final String DB = MariaDbServer.uniqueName("journal");
    private static HikariDataSource pool;

    @BeforeAll
    static void createDatabase() {
        MariaDbServer.createDatabase(DB);
        pool = MariaDbServer.pool(DB, 2);
    }

    @AfterAll
    static void dropDatabase() {
        if (pool != null) {
            pool.close();
        }
        MariaDbServer.dropDatabase(DB);
    }

    @Test
    void theTableJournalStoresReadsAndCountsEntries() {
        JournalTest.checkTableJournal(pool);
    }
}
