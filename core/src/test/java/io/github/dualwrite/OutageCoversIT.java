package io.github.dualwrite;

import io.github.dualwrite.testing.DbPair;

/** Outage entries on MariaDB, the new side behind real ShardingSphere shards. */
class OutageCoversIT extends OutageCoversContract {

    @Override
    DbPair newPair() {
        return DbPair.mariaDb("outage");
    }
}
