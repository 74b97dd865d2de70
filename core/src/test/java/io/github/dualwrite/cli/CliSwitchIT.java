package io.github.dualwrite.cli;

import io.github.dualwrite.testing.DbPair;

/** The live switch from the command line on MariaDB. */
class CliSwitchIT extends CliSwitchContract {

    @Override
    DbPair newPair() {
        return DbPair.mariaDb("cliswitch");
    }
}
