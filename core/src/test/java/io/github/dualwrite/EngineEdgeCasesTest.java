package io.github.dualwrite;

import io.github.dualwrite.testing.DbPair;

/** Edge cases on H2. */
class EngineEdgeCasesTest extends EngineEdgeCasesContract {

    @Override
    protected DbPair newPair() {
        return DbPair.h2("edges");
    }
}
