package io.github.dualwrite.spring;

import io.github.dualwrite.testing.DbPair;

/** {@link TransactionalRoutingContract} on the local MariaDB. */
class TransactionalRoutingIT extends TransactionalRoutingContract {

    @Override
    DbPair openPair() {
        return DbPair.mariaDb("sb_tx");
    }

    @Override
    String hibernateDialect() {
        return "org.hibernate.dialect.MariaDBDialect";
    }
}
