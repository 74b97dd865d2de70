package io.github.dualwrite;

import io.github.dualwrite.testing.DbPair;

/** Engine features on MariaDB. */
class EngineFeaturesIT extends EngineFeaturesContract {

    @Override
    protected DbPair newPair() {
        return DbPair.mariaDb("features");
    }
}
