package io.github.dualwrite.spring;

import io.github.dualwrite.testing.DbPair;

/** {@link ZookeeperLiveSwitchContract} on H2. */
class ZookeeperLiveSwitchTest extends ZookeeperLiveSwitchContract {

    @Override
    DbPair openPair() {
        return DbPair.h2("zkswitch");
    }

    @Override
    String db() {
        return "h2";
    }
}
