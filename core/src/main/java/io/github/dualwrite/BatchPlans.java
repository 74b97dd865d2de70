package io.github.dualwrite;

import io.github.dualwrite.config.Side;
import java.sql.SQLException;
import java.util.List;

/** Checks that the rows of one batch can run as one batch: one side first, one authority. */
final class BatchPlans {

    private BatchPlans() {
    }

    static Side commonPrimary(List<Plan> plans) throws SQLException {
        Plan first = plans.get(0);
        for (Plan p : plans) {
            if (p.primary() != first.primary() || p.authority() != first.authority()) {
                throw Planner.reject("a batch mixes rows that run first on " + first.primary() + " (authority "
                        + first.authority() + ") and on " + p.primary() + " (authority " + p.authority()
                        + "): split it by user while the gray share moves authority");
            }
        }
        return first.primary();
    }
}
