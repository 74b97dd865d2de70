/**
 * MyBatis integration: {@link io.github.dualwrite.mybatis.DualWriteInterceptor} finds the routing key in
 * mapper parameters ({@link io.github.dualwrite.mybatis.RoutingKey @RoutingKey}, property paths, maps,
 * {@code foreach} collections) and hands it to the engine for the duration of each call; per-statement
 * control ({@link io.github.dualwrite.mybatis.DualWriteControl @DualWriteControl} or properties); new-side
 * counterparts ({@code id__new}) for a new schema; the first-level cache cleared when a read's route may
 * have changed.
 */
package io.github.dualwrite.mybatis;
