/**
 * Spring Boot auto-configuration, properties bound from the Environment, actuator endpoint and metrics.
 * Not implemented yet; this module holds its place in the build.
 */
package io.github.dualwrite.spring;
