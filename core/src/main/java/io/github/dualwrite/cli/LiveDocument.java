package io.github.dualwrite.cli;

import io.github.dualwrite.config.MigrationConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * The document the applications run on now: the shared row of {@code JdbcConfigSource} (table
 * {@code dualwrite_config}, row {@code default}) when there is one, else the {@code --config} file. The
 * tools take the databases from the file either way (applications leave {@code datasources} out).
 *
 * @param config   the live document, with the file's {@code datasources}
 * @param inTable  whether it came from the table (false: the file)
 * @param version  the row's version (0 when the document is the file's)
 * @param by       who published it (null for the file)
 * @param at       when (null for the file)
 * @param where    the table and row, or the file
 * @param note     why the file was used, when it was (null otherwise)
 */
record LiveDocument(MigrationConfig config, boolean inTable, long version, String by, Instant at, String where,
                    String note) {

    /** One line saying which document and version a command uses. */
    String describe() {
        if (inTable) {
            return "live document: " + where + " v" + version + " (published by " + by + " at " + at + ")";
        }
        return "live document: file " + where + (note == null ? "" : " (" + note + ")");
    }

    /** A source name for MigrationControl's audit line. */
    String source() {
        return inTable ? "jdbc:" + where + "@v" + version : "file:" + where;
    }

    /** Reads the live document as {@code common} says. */
    static LiveDocument read(Common common, DataSource old, MigrationConfig fileConfig, Path file) {
        String where = common.configTable + " row '" + common.configName + "'";
        if (common.live == Common.LiveSource.file) {
            return fromFile(fileConfig, file, "--live file");
        }
        String sql = "SELECT version, format, document, updated_by, updated_at FROM " + common.configTable
                + " WHERE name = ?";
        try (Connection c = old.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, common.configName);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return missing(common, fileConfig, file, "no " + where + " yet");
                }
                long version = rs.getLong(1);
                MigrationConfig.Format format = MigrationConfig.Format.valueOf(rs.getString(2));
                MigrationConfig config;
                try {
                    config = MigrationConfig.parse(rs.getString(3), format);
                } catch (IllegalArgumentException e) {
                    throw CliException.error("the live document " + where + " v" + version + " on the old database"
                            + " is invalid: " + e.getMessage() + "; publish a corrected one (dualwrite publish)", e);
                }
                Timestamp at = rs.getTimestamp(5);
                return new LiveDocument(config.withDatasources(fileConfig.datasources()), true, version,
                        rs.getString(4), at == null ? null : at.toInstant(), where, null);
            }
        } catch (SQLException e) {
            String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            return missing(common, fileConfig, file, "no table " + common.configTable + " readable on the old side: "
                    + message.replaceAll("; SQL statement:$", ""));
        }
    }

    private static LiveDocument missing(Common common, MigrationConfig fileConfig, Path file, String why) {
        if (common.live == Common.LiveSource.table) {
            throw CliException.error("--live table: " + why + "; publish the first version with dualwrite publish,"
                    + " or use --live auto|file");
        }
        return fromFile(fileConfig, file, why);
    }

    private static LiveDocument fromFile(MigrationConfig fileConfig, Path file, String note) {
        return new LiveDocument(fileConfig, false, 0, null, null, file.toString(), note);
    }
}
