package io.github.dualwrite.spring;

import io.github.dualwrite.StatementControl;
import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.mybatis.DualWriteInterceptor;
import java.util.List;
import org.apache.ibatis.plugin.Interceptor;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSessionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Adds a {@link DualWriteInterceptor} to every {@link SqlSessionFactory} of the context, exactly once: a factory
 * that already has one (the application registered its own, as a bean or in mybatis-config.xml) is left alone.
 * The interceptor goes last in the chain; register your own before PageHelper's if new-side counterparts must
 * see its paging clause.
 */
final class MyBatisRegistration implements BeanPostProcessor {

    private final ObjectProvider<DualWriteProperties> properties;
    private final ObjectProvider<MigrationControl> control;

    MyBatisRegistration(ObjectProvider<DualWriteProperties> properties, ObjectProvider<MigrationControl> control) {
        this.properties = properties;
        this.control = control;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof SqlSessionFactory factory) {
            register(factory.getConfiguration());
        }
        return bean;
    }

    private void register(Configuration configuration) {
        synchronized (configuration) {
            for (Interceptor existing : configuration.getInterceptors()) {
                if (existing instanceof DualWriteInterceptor) {
                    return;
                }
            }
            configuration.addInterceptor(interceptor(properties.getObject().getMybatis(), control.getIfAvailable()));
        }
    }

    static DualWriteInterceptor interceptor(DualWriteProperties.MyBatis settings, MigrationControl control) {
        DualWriteInterceptor.Builder builder = DualWriteInterceptor.builder();
        if (!settings.getKeyProperties().isEmpty()) {
            builder.keyProperties(settings.getKeyProperties().toArray(String[]::new));
        }
        if (settings.getNewSideSuffix() != null) {
            builder.newSideSuffix(settings.getNewSideSuffix());
        }
        controls(builder, settings.getOldOnly(), StatementControl.OLD_ONLY);
        controls(builder, settings.getSkipSecondary(), StatementControl.SKIP_SECONDARY);
        controls(builder, settings.getAuthoritativeRead(), StatementControl.AUTHORITATIVE_READ);
        if (control != null) {
            builder.migrationControl(control);
        }
        return builder.build();
    }

    private static void controls(DualWriteInterceptor.Builder builder, List<String> ids, StatementControl value) {
        ids.forEach(id -> builder.control(id, value));
    }
}
