package io.github.dualwrite;

import io.github.dualwrite.testing.DbPair;

class StatementShapesIT extends StatementShapesContract {

    @Override
    protected DbPair newPair() {
        return DbPair.mariaDb("shapes");
    }
}
