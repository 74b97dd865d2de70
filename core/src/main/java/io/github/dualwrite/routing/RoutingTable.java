package io.github.dualwrite.routing;

import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.config.RoutingKey;
import io.github.dualwrite.config.UnitConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every unit's routes under one accepted document. Immutable: a transaction pins one table at its first
 * statement and keeps routing with it, whatever is applied meanwhile.
 */
public final class RoutingTable {

    private final MigrationControl.Snapshot snapshot;
    private final Map<String, UnitRoutes> units;
    private final Map<String, UnitConfig> unitByTable;

    private RoutingTable(MigrationControl.Snapshot snapshot) {
        this.snapshot = snapshot;
        Map<String, UnitRoutes> map = new HashMap<>();
        Map<String, UnitConfig> byTable = new HashMap<>();
        for (UnitConfig unit : snapshot.config().units().values()) {
            map.put(unit.name(), new UnitRoutes(unit, snapshot.version()));
            unit.tables().keySet().forEach(t -> byTable.put(t, unit));
        }
        this.units = map;
        this.unitByTable = byTable;
    }

    /** Compiles the routes of a document. */
    public static RoutingTable of(MigrationControl.Snapshot snapshot) {
        return new RoutingTable(snapshot);
    }

    /** The document these routes come from. */
    public MigrationControl.Snapshot snapshot() {
        return snapshot;
    }

    /** The document's version. */
    public long version() {
        return snapshot.version();
    }

    /** The unit a table belongs to, empty for tables that are not migrated. */
    public Optional<UnitConfig> unitOfTable(String table) {
        return Optional.ofNullable(unitOf(table.toLowerCase(java.util.Locale.ROOT)));
    }

    /** The unit a lower-case table name belongs to, or null: the allocation-free form for the hot path. */
    public UnitConfig unitOf(String lowerCaseTable) {
        return unitByTable.get(lowerCaseTable);
    }

    /** Whether every user of {@code unit} is in a stage that writes one side only, and the same one. */
    public boolean isSingleSided(UnitConfig unit) {
        return !unit.stage().writesBoth() && !unit.hasGray();
    }

    /** Routes an integral key (no allocation). */
    public Router.Route route(String unit, long key) {
        return unit(unit).route(key);
    }

    /** Routes any key; see {@link RoutingKey#of(Object)} for the accepted types. */
    public Router.Route route(String unit, Object key) {
        UnitRoutes routes = unit(unit);
        if (key instanceof Long l) {
            return routes.route(l.longValue());
        }
        return routes.route(RoutingKey.of(key));
    }

    /** The route of a statement without routing key: the unit's base stage. */
    public Router.Route routeUnkeyed(String unit) {
        return unit(unit).unkeyed();
    }

    /** The decision for {@code key} with every reason. */
    public Router.Explain explain(String unit, Object key) {
        UnitRoutes routes = unit(unit);
        RoutingKey k = RoutingKey.of(key);
        Router.GrayRule rule = k.isIntegral() ? routes.rule(k.longValue()) : routes.rule(k.toString());
        UnitConfig u = routes.unit();
        return new Router.Explain(unit, k, k.bucket(), rule, u.stage(), u.gray().stage(), u.gray().ratio(),
                routes.unsampled(UnitRoutes.isGray(rule)), snapshot.version());
    }

    private UnitRoutes unit(String name) {
        UnitRoutes routes = units.get(name);
        if (routes == null) {
            throw new IllegalArgumentException("no migration unit '" + name + "' in config v" + snapshot.version()
                    + "; units: " + snapshot.config().units().keySet());
        }
        return routes;
    }
}
