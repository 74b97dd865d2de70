package io.github.dualwrite;

import io.github.dualwrite.testing.DbPair;

/** ASYNC secondary writes on MariaDB, the new side sharded by ShardingSphere. */
class AsyncSecondaryIT extends AsyncSecondaryContract {

    @Override
    DbPair newPair() {
        return DbPair.mariaDb("async");
    }
}
