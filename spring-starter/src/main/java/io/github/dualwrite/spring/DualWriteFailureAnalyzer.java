package io.github.dualwrite.spring;

import io.github.dualwrite.config.ConfigProblem;
import io.github.dualwrite.config.InvalidConfigException;
import java.util.stream.Collectors;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * Turns the starter's setup mistakes into Spring Boot's startup report: no way to tell the old DataSource from
 * the new one, a missing sharding configuration, an invalid {@code dualwrite.*} document.
 */
public final class DualWriteFailureAnalyzer implements FailureAnalyzer {

    /** Creates the analyzer (loaded by Spring Boot from {@code spring.factories}). */
    public DualWriteFailureAnalyzer() {
    }

    @Override
    public FailureAnalysis analyze(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DualWriteSetupException setup) {
                return new FailureAnalysis(setup.description(), "Change the configuration: " + setup.action() + ".", setup);
            }
            if (t instanceof InvalidConfigException invalid) {
                String problems = invalid.problems().stream().map(ConfigProblem::toString)
                        .map(p -> "    dualwrite." + p).collect(Collectors.joining("\n"));
                return new FailureAnalysis("The dualwrite migration document (dualwrite.* properties) is invalid:\n"
                        + problems, "Correct the dualwrite.* properties listed above; the README lists every key and"
                        + " what it allows.", invalid);
            }
        }
        return null;
    }
}
