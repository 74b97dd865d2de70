package io.github.dualwrite.sync;

import io.github.dualwrite.testing.DbPair;

/** Convergence on MariaDB. */
class SyncIT extends SyncContract {

    @Override
    protected DbPair newPair() {
        return DbPair.mariaDb("sync");
    }
}
