package io.github.dualwrite;

import io.github.dualwrite.testing.DbPair;

/** The engine matrix on MariaDB: an old database and ShardingSphere over two more. */
class EngineMatrixIT extends EngineMatrixContract {

    @Override
    DbPair newPair() {
        return DbPair.mariaDb("matrix");
    }
}
