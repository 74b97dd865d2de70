package io.github.dualwrite.mybatis;

import io.github.dualwrite.testing.DbPair;

/** The MyBatis plugin on H2 (old side plus ShardingSphere over two H2 databases). */
class InterceptorTest extends InterceptorContract {

    @Override
    protected DbPair newPair() {
        return DbPair.h2("mybatis");
    }
}
