package io.github.dualwrite;

import io.github.dualwrite.testing.DbPair;

/** Outage entries on H2. */
class OutageCoversTest extends OutageCoversContract {

    @Override
    DbPair newPair() {
        return DbPair.h2("outage");
    }
}
