package io.github.dualwrite;

import io.github.dualwrite.testing.DbPair;

/** Edge cases on MariaDB. */
class EngineEdgeCasesIT extends EngineEdgeCasesContract {

    @Override
    protected DbPair newPair() {
        return DbPair.mariaDb("edges");
    }
}
