package io.github.dualwrite.sync;

import io.github.dualwrite.testing.DbPair;

class RepairFollowsJournalIT extends RepairFollowsJournalContract {

    @Override
    protected DbPair newPair() {
        return DbPair.mariaDb("journal_repair");
    }
}
