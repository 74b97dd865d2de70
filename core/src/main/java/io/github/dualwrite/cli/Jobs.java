package io.github.dualwrite.cli;

import io.github.dualwrite.sync.Checkpoints;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** The long jobs' checkpoints as {@code status} shows them (read only; none when the table is absent). */
final class Jobs {

    /** The marker of a unit's last complete reverse sync: this, then the unit. */
    static final String MARK = "reverse-sync:";

    private Jobs() {
    }

    /** One checkpoint row. */
    record Job(String name, String position, long rows, boolean finished, Instant updatedAt) {
    }

    static List<Job> list(DataSource old) {
        List<Job> jobs = new ArrayList<>();
        String sql = "SELECT job, position, rows_done, finished, updated_at FROM " + Checkpoints.DEFAULT_TABLE
                + " ORDER BY job";
        try (Connection c = old.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Timestamp at = rs.getTimestamp(5);
                jobs.add(new Job(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getInt(4) != 0,
                        at == null ? null : at.toInstant()));
            }
        } catch (SQLException e) {
            return List.of(); // no job ran yet
        }
        return jobs;
    }

    /**
     * When the last complete reverse sync of {@code unit} started (rows changed on the new side after that may
     * be missing on the old side), or null when none completed. The CLI saves it as the position of the job
     * {@code reverse-sync:<unit>} after a reverse sync of every table finished.
     */
    static Instant lastReverseSync(List<Job> jobs, String unit) {
        for (Job j : jobs) {
            if (j.name().equals(MARK + unit) && j.position() != null) {
                return Instant.parse(j.position());
            }
        }
        return null;
    }

    /** Whether the row is a marker rather than a job's progress. */
    static boolean marker(Job job) {
        return job.name().startsWith(MARK) || job.name().contains(":plan/");
    }
}
