package io.github.dualwrite.sync;

import io.github.dualwrite.testing.DbPair;

class RepairFollowsJournalTest extends RepairFollowsJournalContract {

    @Override
    protected DbPair newPair() {
        return DbPair.h2("journal_repair");
    }
}
