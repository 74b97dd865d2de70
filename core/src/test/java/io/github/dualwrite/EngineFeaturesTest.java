package io.github.dualwrite;

import io.github.dualwrite.testing.DbPair;

/** Engine features on H2. */
class EngineFeaturesTest extends EngineFeaturesContract {

    @Override
    protected DbPair newPair() {
        return DbPair.h2("features");
    }
}
