package io.github.dualwrite;

import io.github.dualwrite.testing.DbPair;

/** ASYNC secondary writes on H2. */
class AsyncSecondaryTest extends AsyncSecondaryContract {

    @Override
    DbPair newPair() {
        return DbPair.h2("async");
    }
}
