package io.github.dualwrite.sync;

import io.github.dualwrite.testing.DbPair;

/** Convergence on H2. */
class SyncTest extends SyncContract {

    @Override
    protected DbPair newPair() {
        return DbPair.h2("sync");
    }
}
