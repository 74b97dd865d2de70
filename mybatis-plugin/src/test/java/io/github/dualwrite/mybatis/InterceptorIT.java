package io.github.dualwrite.mybatis;

import io.github.dualwrite.testing.DbPair;

/** The MyBatis plugin on MariaDB (old database plus ShardingSphere over two MariaDB databases). */
class InterceptorIT extends InterceptorContract {

    @Override
    protected DbPair newPair() {
        return DbPair.mariaDb("mybatis");
    }
}
