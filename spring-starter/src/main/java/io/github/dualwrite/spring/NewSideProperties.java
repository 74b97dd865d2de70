package io.github.dualwrite.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The new, sharded side when the application does not define a {@code newDataSource} bean
 * ({@code dualwrite.new.*}).
 */
@ConfigurationProperties(prefix = "dualwrite.new")
public class NewSideProperties {

    /** ShardingSphere-JDBC YAML of the new side (data sources and rules), e.g. classpath:sharding.yaml. */
    private String shardingConfig;

    public String getShardingConfig() {
        return shardingConfig;
    }

    public void setShardingConfig(String shardingConfig) {
        this.shardingConfig = shardingConfig;
    }
}
