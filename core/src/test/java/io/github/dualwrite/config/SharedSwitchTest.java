package io.github.dualwrite.config;

import javax.sql.DataSource;

/** The shared switch on H2 in MySQL mode. */
class SharedSwitchTest extends SharedSwitchContract {

    @Override
    DataSource database() {
        return JdbcConfigSourceTest.h2("config_shared");
    }
}
