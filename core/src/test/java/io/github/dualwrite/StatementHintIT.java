package io.github.dualwrite;

import io.github.dualwrite.testing.DbPair;

/** Statement hints on MariaDB. */
class StatementHintIT extends StatementHintContract {

    @Override
    protected DbPair newPair() {
        return DbPair.mariaDb("hints");
    }
}
