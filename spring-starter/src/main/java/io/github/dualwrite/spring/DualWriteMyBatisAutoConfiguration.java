package io.github.dualwrite.spring;

import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.mybatis.DualWriteInterceptor;
import org.apache.ibatis.session.SqlSessionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * With MyBatis and the dualwrite MyBatis plugin on the class path, registers {@link DualWriteInterceptor} once on
 * every {@link SqlSessionFactory} ({@code dualwrite.mybatis.*}; {@code dualwrite.mybatis.enabled=false} to skip).
 */
@AutoConfiguration(after = DualWriteAutoConfiguration.class)
@ConditionalOnClass({SqlSessionFactory.class, DualWriteInterceptor.class})
@ConditionalOnProperty(prefix = DualWriteProperties.PREFIX, name = "enabled", havingValue = "true")
public class DualWriteMyBatisAutoConfiguration {

    @Bean
    @ConditionalOnProperty(prefix = "dualwrite.mybatis", name = "enabled", havingValue = "true", matchIfMissing = true)
    static MyBatisRegistration dualWriteMyBatisRegistration(ObjectProvider<DualWriteProperties> properties,
                                                            ObjectProvider<MigrationControl> control) {
        return new MyBatisRegistration(properties, control);
    }
}
