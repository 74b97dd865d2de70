package io.github.dualwrite.spring;

import io.github.dualwrite.config.ConfigProblem;
import io.github.dualwrite.config.InvalidConfigException;
import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.config.MigrationControl;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Re-applies the migration document when a config centre (Nacos, Apollo, Spring Cloud Config, Spring Cloud
 * Zookeeper, ...) refreshes keys under {@code dualwrite.units}, {@code dualwrite.secondary},
 * {@code dualwrite.unkeyed-policy} or {@code dualwrite.force}. The whole document is rebuilt from the Environment
 * and goes through {@link MigrationControl#apply}: all or nothing, legal moves only, the journal gate. A rejected
 * document is logged at WARN with the reasons, kept out, and shown by the endpoint; the last good one stays.
 *
 * <p>Runs before Spring Cloud rebinds {@code @ConfigurationProperties} beans, and never throws: a failing switch
 * must not stop the rest of the refresh.
 */
final class EnvironmentSwitch implements ApplicationListener<EnvironmentChangeEvent>, Ordered {

    private static final Logger log = LoggerFactory.getLogger(EnvironmentSwitch.class);

    private final Environment environment;
    private final MigrationControl control;
    private final ConfigHistory history;

    EnvironmentSwitch(Environment environment, MigrationControl control, ConfigHistory history) {
        this.environment = environment;
        this.control = control;
        this.history = history;
    }

    @Override
    public void onApplicationEvent(EnvironmentChangeEvent event) {
        List<String> keys = event.getKeys().stream().filter(EnvironmentDocument::isDocumentKey).sorted().toList();
        if (keys.isEmpty()) {
            return;
        }
        String source = "environment:" + (keys.size() <= 3 ? String.join(",", keys)
                : String.join(",", keys.subList(0, 3)) + ",+" + (keys.size() - 3));
        try {
            String text;
            try {
                text = EnvironmentDocument.yaml(environment);
            } catch (InvalidConfigException e) {
                history.rejectedBeforeControl(source, e, control.current().version());
                return;
            }
            control.apply(text, MigrationConfig.Format.YAML, source);
        } catch (RuntimeException e) {
            history.rejectedBeforeControl(source, new InvalidConfigException(List.of(new ConfigProblem("",
                    "could not be applied: " + e))), control.current().version());
            log.debug("dualwrite environment switch failed", e);
        }
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
