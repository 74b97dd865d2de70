package io.github.dualwrite.cli;

import io.github.dualwrite.config.RoutingKey;
import io.github.dualwrite.config.TableConfig;
import io.github.dualwrite.config.UnitConfig;
import io.github.dualwrite.journal.Journal;
import io.github.dualwrite.sync.Verifier;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/** The evidence a gray bump needs: the users about to move verified equal, and no unresolved journal entries. */
final class Evidence {

    private Evidence() {
    }

    /**
     * The users of {@code unit} with rows on either side whose bucket is in {@code buckets}. Reads the distinct
     * routing keys of every table (an index on the routing column keeps this cheap).
     */
    static List<Object> keysIn(ToolContext ctx, String unit, Converters.Buckets buckets) throws SQLException {
        UnitConfig u = ctx.config().units().get(unit);
        Set<Object> keys = new LinkedHashSet<>();
        for (TableConfig t : u.tables().values()) {
            collect(ctx.oldSide(), "SELECT DISTINCT " + u.routingColumn() + " FROM " + t.name(), buckets, keys);
            collect(ctx.newSide(), "SELECT DISTINCT " + t.newColumn(u.routingColumn()) + " FROM " + t.name(), buckets, keys);
        }
        return new ArrayList<>(keys);
    }

    private static void collect(DataSource ds, String sql, Converters.Buckets buckets, Set<Object> keys)
            throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Object value = rs.getObject(1);
                if (value != null && buckets.contains(RoutingKey.of(value).bucket())) {
                    keys.add(value instanceof Number n ? (Object) n.longValue() : String.valueOf(value));
                }
            }
        }
    }

    /** Verifies the users in {@code buckets} and checks the unit's journal; prints both; whether both are clean. */
    static boolean clean(ToolContext ctx, PrintWriter out, String unit, Converters.Buckets buckets, Duration recheckDelay)
            throws SQLException, InterruptedException {
        List<Object> keys = keysIn(ctx, unit, buckets);
        Verifier verifier = Verifier.builder(ctx.rowSync(), ctx.control()).recheck(1, recheckDelay).build();
        Verifier.Report report = verifier.keys(unit, keys);
        out.println("verify-first: buckets " + buckets + ", " + Main.count(keys.size(), "user"));
        boolean equal = VerifyCommand.print(out, report) && report.equal();
        long unresolved = 0;
        for (Journal.UnresolvedGroup g : ctx.journal().unresolved()) {
            if (g.unit().equals(unit)) {
                unresolved += g.count();
            }
        }
        out.println("verify-first: journal of unit " + unit + ": " + unresolved + " unresolved "
                + (unresolved == 1 ? "entry" : "entries") + (unresolved > 0 ? "; run dualwrite repair --until-empty"
                + " (and settle CONFLICT or DEAD entries)" : ""));
        return equal && unresolved == 0;
    }
}
