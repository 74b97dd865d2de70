package io.github.dualwrite.config;

import java.util.List;
import java.util.stream.Collectors;

/** A configuration document or value that cannot be accepted; {@link #problems()} lists every reason. */
public final class InvalidConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient List<ConfigProblem> problems;

    /** Creates the exception from at least one problem. */
    public InvalidConfigException(List<ConfigProblem> problems) {
        super(describe(problems));
        this.problems = List.copyOf(problems);
    }

    /** Every reason the document was rejected, in document order. */
    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String describe(List<ConfigProblem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("an InvalidConfigException needs at least one problem");
        }
        if (problems.size() == 1) {
            return "invalid dualwrite config: " + problems.get(0);
        }
        return problems.stream().map(ConfigProblem::toString)
                .collect(Collectors.joining("\n  ", "invalid dualwrite config (" + problems.size() + " problems):\n  ", ""));
    }
}
