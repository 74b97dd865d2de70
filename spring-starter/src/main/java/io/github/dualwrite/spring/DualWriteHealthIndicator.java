package io.github.dualwrite.spring;

import io.github.dualwrite.DualWriteDataSource;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.config.UnitConfig;
import io.github.dualwrite.journal.Journal;
import java.sql.Connection;
import java.sql.Statement;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * DOWN only when a side some users depend on as the authority is down: the business call fails only then.
 * A secondary side that is down, an open breaker or a growing journal are reported as details (the library
 * absorbs them and the repairer catches up), not as DOWN.
 *
 * <p>The authorities are the sides that are the authority of some unit's base or gray users; with no units,
 * the old side.
 */
final class DualWriteHealthIndicator implements HealthIndicator {

    private static final int VALIDATION_SECONDS = 2;

    private final DualWriteDataSource dataSource;
    private final DualWriteSides sides;

    DualWriteHealthIndicator(DualWriteDataSource dataSource, DualWriteSides sides) {
        this.dataSource = dataSource;
        this.sides = sides;
    }

    @Override
    public Health health() {
        Set<Side> authorities = authorities();
        Map<String, Object> details = new LinkedHashMap<>();
        boolean authorityDown = false;
        for (Side side : Side.values()) {
            String problem = ping(side == Side.OLD ? sides.oldSide() : sides.newSide());
            boolean authority = authorities.contains(side);
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("status", problem == null ? "UP" : "DOWN");
            d.put("role", authority ? "authority" : "secondary");
            if (problem != null) {
                d.put("error", problem);
            }
            details.put(side.name().toLowerCase(Locale.ROOT), d);
            authorityDown |= authority && problem != null;
        }
        details.put("breakers", dataSource.breakerStates());
        try {
            Journal.Stats s = dataSource.journal().stats();
            details.put("journalPending", s.pending());
            details.put("journalDead", s.dead());
            details.put("journalConflicts", s.conflicts());
        } catch (RuntimeException e) {
            details.put("journalError", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        return (authorityDown ? Health.down() : Health.up()).withDetails(details).build();
    }

    /** The sides that are the authority for some users now. */
    Set<Side> authorities() {
        Set<Side> out = EnumSet.noneOf(Side.class);
        for (UnitConfig u : dataSource.control().current().config().units().values()) {
            out.add(u.stage().authority());
            if (u.hasGray()) {
                Stage gray = u.gray().stage();
                out.add(gray.authority());
            }
        }
        if (out.isEmpty()) {
            out.add(Side.OLD);
        }
        return out;
    }

    /**
     * Null when the side answers a query, otherwise why not. A query rather than {@code isValid}: a ShardingSphere
     * connection opens its physical connections lazily and would call itself valid with every shard down.
     */
    private static String ping(DataSource side) {
        try (Connection c = side.getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout(VALIDATION_SECONDS);
            s.execute("SELECT 1");
            return null;
        } catch (Exception e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }
}
