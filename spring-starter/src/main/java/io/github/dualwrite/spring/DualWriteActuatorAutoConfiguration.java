package io.github.dualwrite.spring;

import io.github.dualwrite.DualWriteDataSource;
import io.github.dualwrite.metrics.DualWriteMetrics;
import io.github.dualwrite.sync.Repairer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The actuator side of the starter: the {@code dualwrite} endpoint, the {@code dualWrite} health indicator and
 * the Micrometer meters of {@link DualWriteMetrics}; each only when its part of the actuator is present.
 */
@AutoConfiguration(after = DualWriteAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(DualWriteDataSource.class)
public class DualWriteActuatorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnClass(Endpoint.class)
    @ConditionalOnAvailableEndpoint(endpoint = DualWriteEndpoint.class)
    DualWriteEndpoint dualWriteEndpoint(DualWriteDataSource dataSource, ConfigHistory history,
                                        ObjectProvider<Repairer> repairer, ObjectProvider<ScheduledVerify> verify,
                                        DualWriteProperties properties) {
        return new DualWriteEndpoint(dataSource, history, repairer.getIfAvailable(), verify.getIfAvailable(),
                properties.getAdmin().isWriteEnabled());
    }

    @Bean
    @ConditionalOnMissingBean(name = "dualWriteHealthIndicator")
    @ConditionalOnEnabledHealthIndicator("dualwrite")
    HealthIndicator dualWriteHealthIndicator(DualWriteDataSource dataSource, DualWriteSides sides) {
        return new DualWriteHealthIndicator(dataSource, sides);
    }

    /** Binds the meters to every registry Spring Boot sets up. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterBinder.class)
    static class Metrics {

        @Bean
        @ConditionalOnMissingBean(name = "dualWriteMeterBinder")
        MeterBinder dualWriteMeterBinder(DualWriteDataSource dataSource, ObjectProvider<Repairer> repairer,
                                         ConfigHistory history) {
            Repairer r = repairer.getIfAvailable();
            DualWriteMetrics metrics = r == null ? DualWriteMetrics.of(dataSource) : DualWriteMetrics.of(dataSource).repairer(r);
            return registry -> {
                metrics.bindTo(registry);
                FunctionCounter.builder("dualwrite.config.rejected.early", history,
                                h -> h.rejectedBeforeControlCount())
                        .description("changes refused before they reached the stage switch (unbindable values, unknown keys)")
                        .register(registry);
            };
        }
    }
}
