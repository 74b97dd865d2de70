package io.github.dualwrite.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The MariaDB pair shards like the H2 one and drops its databases. */
class DbPairIT {

    @Test
    void rowsLandInTheShardTheRoutingFunctionNamesAndTheDatabasesAreDropped() {
        String name;
        try (DbPair pair = DbPair.mariaDb("fixture")) {
            name = pair.name();
            DbPairTest.checkSharding(pair);
        }
        try (var pool = MariaDbServer.pool("information_schema", 1)) {
            assertThat(DbPair.query(pool, "SELECT schema_name FROM schemata WHERE schema_name LIKE ?", name + "%"))
                    .isEmpty();
        }
    }
}
