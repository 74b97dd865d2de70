package io.github.dualwrite.walk;

import io.github.dualwrite.testing.DbPair;

/** The stage walk on H2: an old database and ShardingSphere over two more, in memory. */
class StageWalkTest extends StageWalkContract {

    @Override
    DbPair newPair() {
        return DbPair.h2("walk");
    }

    @Override
    String db() {
        return "h2";
    }

    @Override
    int phaseOps() {
        return 600;
    }
}
