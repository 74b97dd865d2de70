package io.github.dualwrite;

import io.github.dualwrite.testing.DbPair;

/** Secondary faults on H2. */
class SecondaryFaultsTest extends SecondaryFaultsContract {

    @Override
    DbPair newPair() {
        return DbPair.h2("faults");
    }
}
