package io.github.dualwrite.spring;

import com.zaxxer.hikari.HikariDataSource;
import io.github.dualwrite.DualWriteDataSource;
import io.github.dualwrite.config.JdbcConfigSource;
import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.ids.SegmentSequence;
import io.github.dualwrite.sync.Repairer;
import io.github.dualwrite.sync.Verifier;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import javax.sql.DataSource;
import org.apache.shardingsphere.driver.api.yaml.YamlShardingSphereDataSourceFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * Builds the dual-write DataSource from the application's two sides and {@code dualwrite.*}, when
 * {@code dualwrite.enabled=true}. It is the one {@code @Primary} DataSource, so JdbcTemplate, the transaction
 * manager, MyBatis and JPA use it; the raw pools stay beans of their own (and keep their pool metrics). Every bean
 * backs off when the application defines its own.
 */
@AutoConfiguration(before = DataSourceAutoConfiguration.class)
@ConditionalOnClass({DualWriteDataSource.class, HikariDataSource.class})
@ConditionalOnProperty(prefix = DualWriteProperties.PREFIX, name = "enabled", havingValue = "true")
@EnableConfigurationProperties({DualWriteProperties.class, NewSideProperties.class})
public class DualWriteAutoConfiguration {

    /** The bean name of the dual-write DataSource. */
    public static final String DATA_SOURCE = "dualWriteDataSource";

    /** Plain table lists in the properties bean (the document reads them itself). */
    @Bean
    @ConfigurationPropertiesBinding
    static TableListConverter dualWriteTableListConverter() {
        return new TableListConverter();
    }

    /** The old side from {@code dualwrite.old.*} (HikariCP properties), unless the application has one. */
    @Bean(name = DualWriteSides.OLD)
    @ConditionalOnMissingBean(name = DualWriteSides.OLD)
    @ConditionalOnProperty(prefix = "dualwrite.old", name = "jdbc-url")
    @ConfigurationProperties(prefix = "dualwrite.old")
    HikariDataSource oldDataSource() {
        HikariDataSource pool = new HikariDataSource();
        pool.setPoolName("dualwrite-old");
        return pool;
    }

    /** The new side from {@code dualwrite.new.sharding-config} (a ShardingSphere-JDBC YAML), unless the application has one. */
    @Bean(name = DualWriteSides.NEW)
    @ConditionalOnMissingBean(name = DualWriteSides.NEW)
    @ConditionalOnProperty(prefix = "dualwrite.new", name = "sharding-config")
    DataSource newDataSource(NewSideProperties properties, ResourceLoader resources) throws SQLException, IOException {
        Resource yaml = resources.getResource(properties.getShardingConfig());
        if (!yaml.exists()) {
            throw new DualWriteSetupException("dualwrite.new.sharding-config=" + properties.getShardingConfig()
                    + " does not exist", "point it at the ShardingSphere-JDBC YAML of the new side, e.g."
                    + " classpath:sharding.yaml or file:/etc/app/sharding.yaml");
        }
        return YamlShardingSphereDataSourceFactory.createDataSource(yaml.getContentAsByteArray());
    }

    @Bean
    @ConditionalOnMissingBean
    DualWriteSides dualWriteSides(ListableBeanFactory beans) {
        return DualWriteSides.resolve(beans);
    }

    @Bean
    @ConditionalOnMissingBean
    ConfigHistory dualWriteConfigHistory() {
        return new ConfigHistory(Clock.systemUTC());
    }

    /** The stage switch, starting from the document the Environment holds ({@code dualwrite.units...}). */
    @Bean
    @ConditionalOnMissingBean
    MigrationControl dualWriteMigrationControl(Environment environment, ConfigHistory history) {
        MigrationConfig initial = MigrationConfig.fromYaml(EnvironmentDocument.yaml(environment));
        MigrationControl control = MigrationControl.empty(Clock.systemUTC());
        control.addListener(history);
        control.apply(initial, "spring:environment").orThrow();
        return control;
    }

    @Bean(name = DATA_SOURCE)
    @Primary
    @ConditionalOnMissingBean(DualWriteDataSource.class)
    DualWriteDataSource dualWriteDataSource(DualWriteSides sides, MigrationControl control, DualWriteProperties properties,
                                            ObjectProvider<SegmentSequence> sequence,
                                            ObjectProvider<DualWriteDataSourceCustomizer> customizers) {
        DualWriteDataSource.Builder builder = DualWriteDataSource.builder()
                .oldDataSource(sides.oldSide())
                .newDataSource(sides.newSide())
                .control(control)
                .journalTable(properties.getJournal().getTable());
        if (properties.getJournal().getFile() != null) {
            builder.journalFile(properties.getJournal().getFile());
        }
        sequence.ifAvailable(builder::sequence);
        customizers.orderedStream().forEach(c -> c.customize(builder));
        return builder.build();
    }

    /** Drains the journal in every instance (leases keep them apart); {@code dualwrite.repair.enabled=false} turns it off. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "dualwrite.repair", name = "enabled", havingValue = "true", matchIfMissing = true)
    Repairer dualWriteRepairer(DualWriteDataSource dataSource, DualWriteProperties properties) {
        DualWriteProperties.Repair r = properties.getRepair();
        return Repairer.builder(dataSource.journal(), dataSource.rowSync())
                .interval(r.getInterval())
                .batchSize(r.getBatchSize())
                .threads(r.getThreads())
                .lease(r.getLease())
                .maxAttempts(r.getMaxAttempts())
                .build();
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "dualwrite.verify", name = "enabled", havingValue = "true")
    ScheduledVerify dualWriteScheduledVerify(DualWriteDataSource dataSource, DualWriteProperties properties) {
        Verifier verifier = Verifier.builder(dataSource.rowSync(), dataSource.control())
                .repair(properties.getVerify().isRepair()).build();
        return new ScheduledVerify(verifier, dataSource.control(), properties.getVerify(), Clock.systemUTC());
    }

    @Bean
    BackgroundJobs dualWriteBackgroundJobs(ObjectProvider<Repairer> repairer, ObjectProvider<ScheduledVerify> verify) {
        return new BackgroundJobs(repairer.getIfAvailable(), verify.getIfAvailable());
    }

    /** The document shared through a table, for applications without a config centre. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "dualwrite.config-table", name = "enabled", havingValue = "true")
    JdbcConfigSource dualWriteJdbcConfigSource(ListableBeanFactory beans, DualWriteDataSource dataSource,
                                               DualWriteProperties properties) {
        DualWriteProperties.ConfigTable t = properties.getConfigTable();
        DataSource holder = beans.getBean(t.getDataSource(), DataSource.class);
        return JdbcConfigSource.builder(holder, dataSource.control())
                .table(t.getTable()).name(t.getName()).pollInterval(t.getPollInterval()).build();
    }

    /** The live switch: a config centre's refresh that touches the document re-applies it. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.cloud.context.environment.EnvironmentChangeEvent")
    @ConditionalOnProperty(prefix = "dualwrite.environment-reload", name = "enabled", havingValue = "true",
            matchIfMissing = true)
    static class EnvironmentReloadConfiguration {

        @Bean
        EnvironmentSwitch dualWriteEnvironmentSwitch(Environment environment, DualWriteDataSource dataSource,
                                                     ConfigHistory history) {
            return new EnvironmentSwitch(environment, dataSource.control(), history);
        }
    }
}
