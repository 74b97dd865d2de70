/**
 * Test fixtures published in dualwrite-core's test-jar: an old + new sharded database pair on H2 and on
 * the local MariaDB ({@link io.github.dualwrite.testing.DbPair}), the MariaDB server the integration
 * tests use, a TCP proxy that injects real network faults ({@link io.github.dualwrite.testing.FaultProxy}),
 * a clock tests move by hand and a deadline poller.
 */
package io.github.dualwrite.testing;
