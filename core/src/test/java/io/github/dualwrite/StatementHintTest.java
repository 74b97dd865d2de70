package io.github.dualwrite;

import io.github.dualwrite.testing.DbPair;

/** Statement hints on H2. */
class StatementHintTest extends StatementHintContract {

    @Override
    protected DbPair newPair() {
        return DbPair.h2("hints");
    }
}
