package io.github.dualwrite.sync;

import io.github.dualwrite.testing.DbPair;

/** Identifier quoting on MariaDB (backticks). */
class IdentifierQuotingIT extends IdentifierQuotingContract {

    @Override
    DbPair newPair() {
        return DbPair.mariaDb("quoting");
    }

    @Override
    String q() {
        return "`";
    }
}
