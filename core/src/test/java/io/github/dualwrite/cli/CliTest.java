package io.github.dualwrite.cli;

import io.github.dualwrite.testing.DbPair;

/** The command line on H2 (in-memory databases shared with the test by name). */
class CliTest extends CliContract {

    @Override
    DbPair newPair() {
        return DbPair.h2("cli");
    }
}
