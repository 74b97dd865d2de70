package io.github.dualwrite.sync;

import io.github.dualwrite.testing.DbPair;

/** Identifier quoting on H2 (double quotes). */
class IdentifierQuotingTest extends IdentifierQuotingContract {

    @Override
    DbPair newPair() {
        return DbPair.h2("quoting");
    }

    @Override
    String q() {
        return "\"";
    }
}
