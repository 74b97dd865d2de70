/**
 * Micrometer meters for a dual-write DataSource and its repairer: {@link io.github.dualwrite.metrics.DualWriteMetrics}.
 * Optional: Micrometer is needed on the classpath only when this package is used.
 */
package io.github.dualwrite.metrics;
