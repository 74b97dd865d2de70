package io.github.dualwrite.walk;

import io.github.dualwrite.testing.DbPair;

/** The stage walk on MariaDB: an old database and ShardingSphere over two more, real InnoDB locks. */
class StageWalkIT extends StageWalkContract {

    @Override
    DbPair newPair() {
        return DbPair.mariaDb("walk");
    }

    @Override
    String db() {
        return "mariadb";
    }

    @Override
    int phaseOps() {
        return 400;
    }
}
