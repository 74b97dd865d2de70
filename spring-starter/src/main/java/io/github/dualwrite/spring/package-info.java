/**
 * The Spring Boot starter: with {@code dualwrite.enabled=true} it builds the dual-write DataSource over the
 * application's old and new DataSources ({@link io.github.dualwrite.spring.DualWriteAutoConfiguration}), binds the
 * migration document from {@code dualwrite.*} ({@link io.github.dualwrite.spring.DualWriteProperties}), re-applies
 * it when a config centre refreshes the Environment, runs the repairer, registers the MyBatis interceptor, and
 * adds the {@code dualwrite} actuator endpoint, a health indicator and Micrometer meters.
 */
package io.github.dualwrite.spring;
