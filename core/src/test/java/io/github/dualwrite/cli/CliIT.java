package io.github.dualwrite.cli;

import io.github.dualwrite.testing.DbPair;

/** The command line on MariaDB. */
class CliIT extends CliContract {

    @Override
    DbPair newPair() {
        return DbPair.mariaDb("cli");
    }
}
