package io.github.dualwrite;

import io.github.dualwrite.testing.DbPair;

/** Secondary faults on MariaDB. */
class SecondaryFaultsIT extends SecondaryFaultsContract {

    @Override
    DbPair newPair() {
        return DbPair.mariaDb("faults");
    }
}
