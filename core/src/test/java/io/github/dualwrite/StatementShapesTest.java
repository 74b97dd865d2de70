package io.github.dualwrite;

import io.github.dualwrite.testing.DbPair;

class StatementShapesTest extends StatementShapesContract {

    @Override
    protected DbPair newPair() {
        return DbPair.h2("shapes");
    }
}
