package io.github.dualwrite.spring;

import io.github.dualwrite.testing.DbPair;

/** {@link ZookeeperLiveSwitchContract} on the local MariaDB. */
class ZookeeperLiveSwitchIT extends ZookeeperLiveSwitchContract {

    @Override
    DbPair openPair() {
        return DbPair.mariaDb("sb_zk");
    }

    @Override
    String db() {
        return "mariadb";
    }
}
