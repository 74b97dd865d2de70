package io.github.dualwrite;

import io.github.dualwrite.testing.DbPair;

/** The engine matrix on H2: an old H2 database and ShardingSphere over two H2 databases. */
class EngineMatrixTest extends EngineMatrixContract {

    @Override
    DbPair newPair() {
        return DbPair.h2("matrix");
    }
}
