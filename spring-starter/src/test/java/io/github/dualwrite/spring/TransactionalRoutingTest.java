package io.github.dualwrite.spring;

import io.github.dualwrite.testing.DbPair;

/** {@link TransactionalRoutingContract} on H2. */
class TransactionalRoutingTest extends TransactionalRoutingContract {

    @Override
    DbPair openPair() {
        return DbPair.h2("txrouting");
    }

    @Override
    String hibernateDialect() {
        return "org.hibernate.dialect.H2Dialect";
    }
}
