package io.github.dualwrite;

import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.config.RoutingKey;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.config.UnitConfig;
import io.github.dualwrite.config.TableConfig;
import io.github.dualwrite.journal.JournalEntry;
import io.github.dualwrite.routing.Router;
import io.github.dualwrite.routing.RoutingTable;
import io.github.dualwrite.StatementRoute.KeySource;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides where one execution goes: the rules of the design in one place.
 *
 * <ul>
 *   <li>No migrated table: the old side.</li>
 *   <li>Two units, or a unit and a table that is not migrated, in one statement: reads go to the old side
 *       (refused when a unit is NEW_ONLY, the old side is stale then); writes are refused unless every unit
 *       involved is OLD_ONLY, because one statement cannot be split between sides.</li>
 *   <li>One unit: the routing key comes from the explicit scope, else the hint, else the SQL. Each key is
 *       routed; all keys of one statement (multi-row INSERT) must share an authority, and the write is
 *       repeated on the other side if any of them writes both.</li>
 *   <li>No key: reads follow the base stage; writes follow the unkeyed policy.</li>
 *   <li>In a transaction, every unit keeps the route of its first statement, and all writes share one
 *       authority: mixing authorities is refused because no commit order could keep both units whole.</li>
 * </ul>
 */
final class Planner {

    private static final String SQLSTATE_REJECTED = "0A000";

    private Planner() {
    }

    /**
     * What the planner decided for one execution, before anything is applied: a plan and the route its
     * transaction pins, or a refusal. {@link #apply} is the only step with effects, taken by the caller.
     */
    sealed interface Decision permits Planned, Refused {

        /** Pins what a transaction must remember, then hands back the plan; throws a refusal. */
        Plan apply(TxPins pins) throws SQLException;
    }

    /** A plan; {@code pin} is the unit's own route, pinned at a transaction's first statement of the unit. */
    record Planned(Plan plan, TxPins.Pinned pin) implements Decision {
        @Override
        public Plan apply(TxPins pins) {
            if (pins != null && pin != null) {
                pins.pin(plan.unit().name(), pin);
                pins.meet(plan.unit().name(), plan.keys());
                if (plan.shape().isWrite()) {
                    pins.pinAuthority(plan.authority());
                }
            }
            return plan;
        }
    }

    /** Refused: the statement must not run; nothing is pinned. */
    record Refused(SQLException error) implements Decision {
        @Override
        public Plan apply(TxPins pins) throws SQLException {
            throw error;
        }
    }

    /** Decides without side effects (pins are read, never changed). */
    static Decision decide(SqlShape shape, Object[] values, CallContext context, RoutingTable table, TxPins pins,
                           boolean secondaryBehind, DirtyKeys dirty) {
        try {
            return plan(shape, values, context, table, pins, secondaryBehind, dirty);
        } catch (SQLException refused) {
            return new Refused(refused);
        }
    }

    private static Planned plan(SqlShape shape, Object[] values, CallContext context, RoutingTable table, TxPins pins,
                                boolean secondaryBehind, DirtyKeys dirty) throws SQLException {
        SqlKind kind = shape.kind();
        if (kind == SqlKind.UNPARSED || kind == SqlKind.OTHER_WRITE || kind == SqlKind.TRANSACTION_CONTROL) {
            return new Planned(opaque(shape, table.snapshot().config()), null);
        }
        UnitConfig unit = null;
        List<String> others = new ArrayList<>();
        Set<String> units = new LinkedHashSet<>();
        for (String t : shape.tables()) {
            UnitConfig u = table.unitOf(t);
            if (u == null) {
                others.add(t);
            } else {
                units.add(u.name());
                unit = u;
            }
        }
        if (unit == null) {
            return new Planned(oneSide(shape, null, null, Side.OLD, Side.OLD, "no migrated table"), null);
        }
        if (units.size() > 1 || !others.isEmpty()) {
            return new Planned(crossing(shape, table, units, others), null);
        }
        if (kind == SqlKind.DDL) {
            if (table.isSingleSided(unit)) {
                Side side = unit.stage().authority();
                return new Planned(oneSide(shape, unit, unit.stage(), side, side, "schema change in a single-side stage"), null);
            }
            throw reject("schema change on migrated table " + shape.tables() + " of unit " + unit.name() + " in stage "
                    + describeStages(unit) + ": run it on each side yourself (through ShardingSphere for the new side)");
        }
        return keyed(shape, values, context, table, unit, pins, secondaryBehind, dirty);
    }

    /** A plan outside any user's route: no keys. */
    private static Plan oneSide(SqlShape shape, UnitConfig unit, Stage stage, Side side, Side authority, String reason) {
        return new Plan.OneSide(shape, unit, stage, side, authority, List.of(), KeySource.NONE, Plan.IdMode.NONE, reason);
    }

    private static Planned keyed(SqlShape shape, Object[] values, CallContext context, RoutingTable table, UnitConfig unit,
                              TxPins pins, boolean secondaryBehind, DirtyKeys dirty) throws SQLException {
        List<RoutingKey> keys = new ArrayList<>(2);
        KeySource source = findKeys(shape, values, context, unit, keys);
        boolean write = shape.isWrite();
        TxPins.Pinned pinned = pins == null ? null : pins.unit(unit.name());
        TxPins.Pinned own = keys.isEmpty() ? unkeyedRoute(shape, table, unit, write) : combine(shape, table, unit, keys);
        String held = null;
        // the journal's hold: users whose rows are behind on a side are not read or trusted there. Decided when a
        // transaction first meets a user; later statements of that user follow, so a hold that starts
        // mid-transaction (another transaction's entry) never splits this one
        boolean met = pinned != null && pins.met(unit.name(), keys);
        int behind = keys.isEmpty() || dirty == null || met ? 0 : behind(dirty, unit, keys);
        if (behind != 0) {
            TxPins.Pinned guarded = hold(own, behind);
            if (!guarded.equals(own)) {
                held = "rows of " + keys + " are behind on " + side(behind) + " until the journal is repaired";
                own = guarded;
            }
        }
        TxPins.Pinned route = own;
        if (pinned != null) {
            // compared by stage: a user the journal held at the transaction's first statement follows the pin
            if (write && pinned.stageAuthority() != own.stageAuthority()) {
                throw reject("this transaction writes unit " + unit.name() + " with authority " + pinned.authority()
                        + ", but key " + keys + " has authority " + own.authority() + " (stage " + own.stage()
                        + (held == null ? "" : ", " + held) + "); keep one user per transaction while the gray share"
                        + " moves authority");
            }
            Side secondary = pinned.secondary() != null ? pinned.secondary() : own.secondary();
            // a user whose read side differs from the transaction's first one reads from the authority, or, when
            // the journal says the authority is behind for them, from the side that has their writes
            Side read = pinned.readSide() == own.readSide() ? pinned.readSide()
                    : (behind & DirtyKeys.bit(pinned.authority())) != 0 ? pinned.authority().other() : pinned.authority();
            route = new TxPins.Pinned(pinned.stage(), pinned.authority(), secondary, read, pinned.stageAuthority());
        }
        if (pins != null && write && pins.authority() != null && pins.authority() != route.authority()) {
            throw reject("this transaction already writes with authority " + pins.authority() + "; unit "
                    + unit.name() + " (stage " + route.stage() + ") has authority " + route.authority()
                    + ": no commit order keeps both whole, use one transaction per unit");
        }
        Plan plan = routed(shape, values, context, table, unit, route, keys, source, secondaryBehind);
        if (held != null) {
            plan = plan.because(" (" + held + ")");
        }
        return new Planned(plan, own);
    }

    /** Which sides the journal says are behind for these users' rows (any table of the unit). */
    private static int behind(DirtyKeys dirty, UnitConfig unit, List<RoutingKey> keys) {
        int bits = 0;
        for (RoutingKey k : keys) {
            bits |= dirty.behind(unit.name(), k);
        }
        return bits;
    }

    /**
     * The route for users whose rows are behind on a side: never read from that side, and never trust it
     * (which happens only after a move was forced past the journal gate): the other side is then the
     * authority and the side behind is written second, until the repairer has copied the rows.
     */
    static TxPins.Pinned hold(TxPins.Pinned route, int behind) {
        if (behind == (DirtyKeys.OLD_BEHIND | DirtyKeys.NEW_BEHIND)) {
            // both sides miss writes (a conflict): read the authority, nothing better is known
            return new TxPins.Pinned(route.stage(), route.authority(), route.secondary(), route.authority(),
                    route.stageAuthority());
        }
        Side late = behind == DirtyKeys.OLD_BEHIND ? Side.OLD : Side.NEW;
        Side trusted = late.other();
        if (route.authority() == late) {
            Stage stage = trusted == Side.OLD ? Stage.DUAL_WRITE : Stage.NEW_PRIMARY;
            return new TxPins.Pinned(stage, trusted, late, trusted, route.stageAuthority());
        }
        if (route.readSide() == late) {
            return new TxPins.Pinned(route.stage(), route.authority(), route.secondary(), route.authority(),
                    route.stageAuthority());
        }
        return route;
    }

    private static String side(int behind) {
        return behind == DirtyKeys.OLD_BEHIND ? "OLD" : behind == DirtyKeys.NEW_BEHIND ? "NEW" : "both sides";
    }

    /** The plan for a route that passed the transaction's checks: read side, or the write's sides and ids. */
    private static Plan routed(SqlShape shape, Object[] values, CallContext context, RoutingTable table, UnitConfig unit,
                               TxPins.Pinned route, List<RoutingKey> keys, KeySource source, boolean secondaryBehind)
            throws SQLException {
        boolean write = shape.isWrite();
        StatementControl control = context.control();
        if (!write) {
            Side side = route.readSide();
            String why = "read side of stage " + route.stage();
            if (control == StatementControl.OLD_ONLY) {
                if (route.authority() != Side.OLD && route.secondary() != Side.OLD) {
                    throw reject("statement marked old-only reads unit " + unit.name() + " in stage " + route.stage()
                            + ", where the old side is no longer written; remove the mark or read the new side");
                }
                side = Side.OLD;
                why = "marked old-only";
            } else if (control == StatementControl.AUTHORITATIVE_READ) {
                side = route.authority();
                why = "marked to read the authority";
            } else if (shape.kind() == SqlKind.LOCKING_SELECT) {
                side = route.authority();
                why = "locking read: on the authority";
            } else if (secondaryBehind && side != route.authority()) {
                side = route.authority();
                why = "a secondary write of this transaction did not apply, so its reads stay on the authority";
            }
            return new Plan.OneSide(shape, unit, route.stage(), side, route.authority(), keys, source, Plan.IdMode.NONE, why);
        }
        if (control == StatementControl.OLD_ONLY && route.authority() != Side.OLD) {
            throw reject("statement marked old-only writes unit " + unit.name() + " in stage " + route.stage()
                    + ", whose authority is " + route.authority() + ": it would change only the side that is not"
                    + " trusted; remove the mark");
        }
        Plan plan;
        if (route.secondary() == null) {
            plan = new Plan.OneSide(shape, unit, route.stage(), route.authority(), route.authority(), keys, source,
                    Plan.IdMode.NONE, "stage " + route.stage() + " writes one side");
        } else if (keys.isEmpty() && table.snapshot().config().unkeyedPolicy() != MigrationConfig.UnkeyedPolicy.EXECUTE_BOTH) {
            if (table.snapshot().config().unkeyedPolicy() == MigrationConfig.UnkeyedPolicy.REJECT) {
                throw reject("no routing key for unit " + unit.name() + " (column " + unit.routingColumn() + ") in "
                        + abbreviate(shape.sql()) + " and unkeyed-policy is REJECT: bind " + unit.routingColumn()
                        + " = ? or open DualWrite.routeBy(userId)");
            }
            plan = new Plan.Journaled(shape, unit, route.stage(), route.authority(), keys, source,
                    JournalEntry.Reason.UNKEYED, Plan.IdMode.NONE,
                    "no routing key: authority only, journaled (unkeyed-policy JOURNAL)");
        } else {
            plan = new Plan.Dual(shape, unit, route.stage(), route.authority(), route.secondary(), keys, source,
                    Plan.IdMode.NONE, false, "stage " + route.stage() + " writes " + route.authority() + " then "
                    + route.secondary() + (keys.isEmpty() ? " (no routing key: unkeyed-policy EXECUTE_BOTH)" : ""));
        }
        plan = ids(plan, values);
        if (plan instanceof Plan.Dual d && (control == StatementControl.OLD_ONLY || control == StatementControl.SKIP_SECONDARY)) {
            plan = d.journaled(JournalEntry.Reason.SKIPPED,
                    "marked " + control + ": " + plan.authority() + " only, journaled for the repairer to copy");
        }
        if (plan instanceof Plan.Dual d && table.snapshot().config().secondary().mode() == MigrationConfig.WriteMode.CHANGE_LOG) {
            plan = d.journaled(JournalEntry.Reason.CHANGE_LOG,
                    "change-log mode: " + plan.authority() + " only, the keys are journaled for the repairer to copy");
        }
        if (plan instanceof Plan.Dual d && !shape.volatileCalls().isEmpty()) {
            String problem = shape.volatileProblem();
            plan = problem == null ? d.bindingVolatile() : notRepeatable(d, problem);
        }
        return plan;
    }

    /**
     * How an INSERT that omits its ids gets them, from the table's id source: made before it runs (SEQUENCE,
     * GENERATOR) for every stage, or generated by the old side while it is the authority and copied into the
     * other side's INSERT (OLD, APPLICATION). Refused where no side can make them.
     */
    private static Plan ids(Plan plan, Object[] values) throws SQLException {
        SqlShape shape = plan.shape();
        InsertShape insert = shape.insert();
        if (insert == null) {
            return plan;
        }
        if (insert.fromSelect()) {
            return plan instanceof Plan.Dual d ? notRepeatable(d, "INSERT ... SELECT reads rows the other side may not have") : plan;
        }
        TableConfig table = plan.unit().table(shape.tables().get(0)).orElseThrow();
        Ids ids = Ids.of(insert, table.primaryKey(), values);
        if (ids == Ids.GIVEN) {
            return plan;
        }
        TableConfig.IdSource source = table.idSource();
        if (source.injects()) {
            if (ids == Ids.NOT_CARRIABLE) {
                throw reject("INSERT into " + table.name() + " leaves its id to the database, but the ids of "
                        + table.name() + " come from its " + source + " id source and this INSERT form cannot carry them"
                        + " (`" + abbreviate(shape.sql()) + "`): list the columns, and leave the id out (or bind it to"
                        + " NULL) in every row");
            }
            return plan.withIds(Plan.IdMode.INJECT, "; ids from the " + source + " id source of " + table.name());
        }
        if (plan.authority() == Side.NEW) {
            throw reject("INSERT into " + table.name() + " leaves its id to the database, but the authority is NEW in stage "
                    + plan.stage() + " and the ids of " + table.name() + " come from " + source + ": give the id, or set"
                    + " id-source: SEQUENCE or GENERATOR for the table");
        }
        if (!(plan instanceof Plan.Dual d)) {
            return plan; // the old side makes its own ids
        }
        if (ids == Ids.NOT_CARRIABLE || insert.onDuplicateKey()) {
            return notRepeatable(d, "the old side generates the id and this INSERT form cannot carry it to the new side");
        }
        return plan.withIds(Plan.IdMode.FROM_OLD, "; the ids OLD generates are copied into the NEW insert");
    }

    private static Plan notRepeatable(Plan.Dual plan, String why) {
        return plan.journaled(JournalEntry.Reason.NOT_REPEATABLE, why + ": authority only, journaled for repair");
    }

    /**
     * Finds the routing keys: the scope's or hint's, plus any different value the SQL binds to the routing
     * column (a statement about another user than the scope's must still reach that user's sides).
     */
    private static KeySource findKeys(SqlShape shape, Object[] values, CallContext context, UnitConfig unit,
                                   List<RoutingKey> keys) {
        if (context.key() != null) {
            keys.add(context.key());
            KeySource source = context.source();
            List<RoutingKey> fromSql = new ArrayList<>(2);
            if (sqlKeys(shape, values, unit, fromSql) != KeySource.NONE) {
                for (RoutingKey k : fromSql) {
                    if (!keys.contains(k)) {
                        keys.add(k);
                        source = source.andSql();
                    }
                }
            }
            return source;
        }
        return sqlKeys(shape, values, unit, keys);
    }

    private static KeySource sqlKeys(SqlShape shape, Object[] values, UnitConfig unit, List<RoutingKey> keys) {
        List<ValueRef> refs = shape.bindings(unit.routingColumn());
        if (refs.isEmpty()) {
            return KeySource.NONE;
        }
        for (ValueRef ref : refs) {
            Object value = ref.isKnown() ? ref.resolve(values) : null;
            RoutingKey key;
            try {
                key = value == null ? null : RoutingKey.of(value);
            } catch (IllegalArgumentException e) {
                key = null;
            }
            if (key == null) {
                keys.clear();
                return KeySource.NONE;
            }
            if (!keys.contains(key)) {
                keys.add(key);
            }
        }
        return KeySource.SQL;
    }

    /** One route for all keys of a statement: one authority, both sides written if any key needs it. */
    private static TxPins.Pinned combine(SqlShape shape, RoutingTable table, UnitConfig unit, List<RoutingKey> keys)
            throws SQLException {
        Router.Route first = table.route(unit.name(), keys.get(0));
        if (keys.size() == 1) {
            return pinned(first);
        }
        Side authority = first.authority();
        boolean both = first.writesBoth();
        Side read = first.readSide();
        for (int i = 1; i < keys.size(); i++) {
            Router.Route r = table.route(unit.name(), keys.get(i));
            if (r.authority() != authority) {
                throw reject("keys " + keys + " of unit " + unit.name() + " are in stages with different authorities ("
                        + first.stage() + ", " + r.stage() + "); split " + abbreviate(shape.sql()) + " per user");
            }
            both |= r.writesBoth();
            if (r.readSide() != read) {
                read = authority;
            }
        }
        return new TxPins.Pinned(first.stage(), authority, both ? authority.other() : null, read);
    }

    /** Statements without key follow the base stage; a write must not straddle two authorities. */
    private static TxPins.Pinned unkeyedRoute(SqlShape shape, RoutingTable table, UnitConfig unit, boolean write)
            throws SQLException {
        Router.Route base = table.routeUnkeyed(unit.name());
        if (!unit.hasGray()) {
            return pinned(base);
        }
        Stage gray = unit.gray().stage();
        if (write && gray.authority() != base.authority()) {
            throw reject("no routing key for unit " + unit.name() + " in " + abbreviate(shape.sql()) + ", and its users are"
                    + " split between authorities (" + unit.stage() + ", gray " + gray + "): bind "
                    + unit.routingColumn() + " = ? or open DualWrite.routeBy(userId)");
        }
        boolean both = base.writesBoth() || gray.writesBoth();
        return new TxPins.Pinned(base.stage(), base.authority(), both ? base.authority().other() : null, base.readSide());
    }

    private static TxPins.Pinned pinned(Router.Route r) {
        return new TxPins.Pinned(r.stage(), r.authority(), r.secondary(), r.readSide());
    }

    private static Plan crossing(SqlShape shape, RoutingTable table, Set<String> units, List<String> others)
            throws SQLException {
        EnumSet<Stage> stages = EnumSet.noneOf(Stage.class);
        MigrationConfig config = table.snapshot().config();
        for (String name : units) {
            UnitConfig u = config.units().get(name);
            stages.add(u.stage());
            if (u.hasGray()) {
                stages.add(u.gray().stage());
            }
        }
        String what = "statement touches " + (units.size() > 1 ? "units " + units : "unit " + units.iterator().next())
                + (others.isEmpty() ? "" : " and tables that are not migrated " + others);
        if (others.isEmpty() && stages.equals(EnumSet.of(Stage.NEW_ONLY))) {
            return oneSide(shape, null, Stage.NEW_ONLY, Side.NEW, Side.NEW, what + ": all NEW_ONLY, the new side");
        }
        boolean oldAuthoritative = stages.stream().allMatch(st -> st.authority() == Side.OLD);
        boolean allowed = stages.equals(EnumSet.of(Stage.OLD_ONLY))
                || (shape.kind() == SqlKind.LOCKING_SELECT && oldAuthoritative)
                || (!shape.isWrite() && shape.kind() != SqlKind.LOCKING_SELECT && !stages.contains(Stage.NEW_ONLY));
        if (allowed) {
            return oneSide(shape, null, null, Side.OLD, Side.OLD, what + ": the old side");
        }
        if (!shape.isWrite()) {
            throw reject(what + " in stages " + stages + ": the old side is not complete for all of them; split the statement");
        }
        throw reject(what + " in stages " + stages + ": one statement cannot be split between the sides; write each"
                + " unit in its own statement");
    }

    /**
     * Statements routing cannot see into (unparsed SQL, several statements in one, CALL or LOAD DATA through
     * a statement, transaction control written as SQL) run on the old side while every unit is OLD_ONLY,
     * and are refused otherwise: they might write a migrated table on one side only.
     */
    private static Plan opaque(SqlShape shape, MigrationConfig config) throws SQLException {
        for (UnitConfig u : config.units().values()) {
            if (u.stage() != Stage.OLD_ONLY || u.hasGray()) {
                String what = shape.kind() == SqlKind.TRANSACTION_CONTROL
                        ? "transaction control written as SQL would bypass dual write; use Connection.setAutoCommit,"
                                + " commit and rollback"
                        : shape.problem() != null ? "cannot route it: " + shape.problem()
                        : "cannot see which rows a " + shape.kind() + " statement changes";
                throw reject(what + " (`" + abbreviate(shape.sql()) + "`), and unit " + u.name() + " is in "
                        + describeStages(u) + "; split or rewrite the statement");
            }
        }
        return oneSide(shape, null, null, Side.OLD, Side.OLD,
                (shape.problem() != null ? "not classified (" + shape.problem() + ")" : shape.kind().name())
                        + ": every unit is OLD_ONLY, the old side");
    }

    private static String describeStages(UnitConfig unit) {
        return unit.hasGray() ? unit.stage() + " (gray " + unit.gray().stage() + ")" : unit.stage().name();
    }

    static String abbreviate(String sql) {
        String flat = sql.replaceAll("\\s+", " ").trim();
        return flat.length() <= 120 ? flat : flat.substring(0, 117) + "...";
    }

    static SQLException reject(String message) {
        return new SQLException("dualwrite: " + message, SQLSTATE_REJECTED);
    }
}
