package io.github.dualwrite;

import io.github.dualwrite.config.Side;
import java.sql.SQLException;
import java.sql.Savepoint;

/** A savepoint on every side that was open when it was set. */
final class DualSavepoint implements Savepoint {

    private final String name;
    private final Savepoint[] sides;
    private final int secondaryWrites;
    private final int journalEntries;

    DualSavepoint(String name, Savepoint[] sides, int secondaryWrites, int journalEntries) {
        this.name = name;
        this.sides = sides;
        this.secondaryWrites = secondaryWrites;
        this.journalEntries = journalEntries;
    }

    static DualSavepoint of(Savepoint savepoint) throws SQLException {
        if (savepoint instanceof DualSavepoint d) {
            return d;
        }
        throw new SQLException("dualwrite: not a savepoint of this connection: " + savepoint, "3B001");
    }

    Savepoint side(Side side) {
        return sides[side.ordinal()];
    }

    int secondaryWrites() {
        return secondaryWrites;
    }

    int journalEntries() {
        return journalEntries;
    }

    @Override
    public int getSavepointId() throws SQLException {
        if (name != null) {
            throw new SQLException("dualwrite: savepoint '" + name + "' is named, it has no id", "3B001");
        }
        for (Savepoint s : sides) {
            if (s != null) {
                return s.getSavepointId();
            }
        }
        return System.identityHashCode(this);
    }

    @Override
    public String getSavepointName() throws SQLException {
        if (name == null) {
            throw new SQLException("dualwrite: savepoint is unnamed, it has an id", "3B001");
        }
        return name;
    }
}
