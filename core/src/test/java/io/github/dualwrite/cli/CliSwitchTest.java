package io.github.dualwrite.cli;

import io.github.dualwrite.testing.DbPair;

/** The live switch from the command line on H2. */
class CliSwitchTest extends CliSwitchContract {

    @Override
    DbPair newPair() {
        return DbPair.h2("cliswitch");
    }
}
