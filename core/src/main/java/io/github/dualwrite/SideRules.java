package io.github.dualwrite;

import io.github.dualwrite.config.Side;
import io.github.dualwrite.routing.RoutingTable;
import java.sql.SQLException;

/** Which side answers when no plan is needed: the home side, a statement's fixed side, a procedure's side. */
final class SideRules {

    private SideRules() {
    }

    /** Where the whole application lives: the new side once every unit is NEW_ONLY, else the old one. */
    static Side homeSide(RoutingTable table) {
        io.github.dualwrite.config.MigrationConfig config = table.snapshot().config();
        if (config.units().isEmpty()) {
            return Side.OLD;
        }
        for (io.github.dualwrite.config.UnitConfig u : config.units().values()) {
            if (u.stage() != io.github.dualwrite.config.Stage.NEW_ONLY || u.hasGray()) {
                return Side.OLD;
            }
        }
        return Side.NEW;
    }

    /** Whether {@code side} is the secondary of some unit's users (its base stage or its gray share). */
    static boolean secondaryIn(RoutingTable table, Side side) {
        for (io.github.dualwrite.config.UnitConfig u : table.snapshot().config().units().values()) {
            if (u.stage().secondary() == side || u.hasGray() && u.gray().stage().secondary() == side) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a statement can skip planning: it touches no migrated table, or only units whose users are
     * all on one side (and, with tables that are not migrated, that side is the old one). Returns that
     * side, or null when the statement must be planned at each execution.
     */
    static Side fixedSide(SqlShape shape, RoutingTable table, DirtyKeys dirty) {
        if (shape.problem() != null || shape.kind() == SqlKind.TRANSACTION_CONTROL || shape.kind() == SqlKind.OTHER_WRITE) {
            return null;
        }
        Side side = null;
        boolean unmigrated = false;
        for (String t : shape.tables()) {
            io.github.dualwrite.config.UnitConfig u = table.unitOf(t);
            if (u == null) {
                unmigrated = true;
                continue;
            }
            if (!table.isSingleSided(u) || dirty.any(u.name())) {
                return null; // users on two sides, or users whose rows are behind: plan every execution
            }
            io.github.dualwrite.config.TableConfig config = u.table(t).orElseThrow();
            if (shape.insert() != null && config.idSource().injects()
                    && shape.insert().columnIndex(config.primaryKey().get(0)) < 0) {
                return null; // an INSERT without its id column: every execution takes ids from the id source
            }
            Side s = u.stage().authority();
            if (side != null && s != side) {
                return null;
            }
            side = s;
        }
        if (side == null) {
            side = Side.OLD;
        } else if (unmigrated && side != Side.OLD) {
            return null;
        }
        return side;
    }

    /**
     * The side a stored procedure may run on: the one every unit is on (the old side without units). Refused
     * while any unit writes both sides, or has users whose rows are behind: a procedure's writes can be
     * neither repeated nor checked.
     */
    static Side callSide(String sql, RoutingTable table, DirtyKeys dirty) throws SQLException {
        Side side = null;
        for (io.github.dualwrite.config.UnitConfig u : table.snapshot().config().units().values()) {
            Side s = u.stage().authority();
            if (!table.isSingleSided(u) || dirty.any(u.name()) || side != null && s != side) {
                throw Planner.reject("stored procedure call `" + Planner.abbreviate(sql) + "` while unit " + u.name()
                        + " is in stage " + (u.hasGray() ? u.stage() + " (gray " + u.gray().stage() + ")" : u.stage())
                        + (side != null && s != side ? " and another unit is on " + side : "")
                        + ": what a procedure writes can be neither repeated on the other side nor checked; call it"
                        + " through each side's own DataSource, or once every unit is OLD_ONLY or NEW_ONLY");
            }
            side = s;
        }
        return side == null ? Side.OLD : side;
    }
}
