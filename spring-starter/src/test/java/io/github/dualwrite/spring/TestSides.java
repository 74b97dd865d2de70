package io.github.dualwrite.spring;

import io.github.dualwrite.testing.DbPair;
import io.github.dualwrite.testing.FaultyDataSource;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The application's two sides as beans named {@code oldDataSource} and {@code newDataSource}, over the pair of
 * the running test; each wrapped in a {@link FaultyDataSource} the test can switch.
 */
@Configuration(proxyBeanMethods = false)
class TestSides {

    static volatile DbPair pair;
    static volatile FaultyDataSource oldFaults;
    static volatile FaultyDataSource newFaults;

    static void open(DbPair value) {
        pair = value;
        oldFaults = FaultyDataSource.wrap(value.oldDataSource());
        newFaults = FaultyDataSource.wrap(value.newDataSource());
    }

    static void close() {
        if (pair != null) {
            pair.close();
            pair = null;
        }
    }

    @Bean
    DataSource oldDataSource() {
        return oldFaults.dataSource();
    }

    @Bean
    DataSource newDataSource() {
        return newFaults.dataSource();
    }
}
