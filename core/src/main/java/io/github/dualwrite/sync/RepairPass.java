package io.github.dualwrite.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.journal.Journal;
import io.github.dualwrite.journal.JournalEntry;
import io.github.resilience4j.core.IntervalFunction;
import java.net.SocketException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One batch of a {@link Repairer}: groups the claimed entries by user and table, decides per group whether to
 * copy, park a conflict or close (journal-directed: the side an entry says is behind is copied to from the
 * side that was the authority when the write happened), copies the groups in chunks of users per transaction,
 * and records the outcome of each entry.
 */
final class RepairPass {

    private static final Logger log = LoggerFactory.getLogger(Repairer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Journal journal;
    private final RowSync rowSync;
    private final String owner;
    private final Duration lease;
    private final int maxAttempts;
    private final IntervalFunction backoff;
    private final Clock clock;
    private final Sleeper sleeper;
    private final int threads;
    private final ExecutorService workers;
    private final Repairer.Listener listener;
    private final AtomicLong claimed;
    private final AtomicLong repaired;
    private final AtomicLong failed;
    private final AtomicLong dead;
    private final AtomicLong conflicts;

    RepairPass(Repairer r) {
        this.journal = r.journal;
        this.rowSync = r.rowSync;
        this.owner = r.owner;
        this.lease = r.lease;
        this.maxAttempts = r.maxAttempts;
        this.backoff = r.backoff;
        this.clock = r.clock;
        this.sleeper = r.sleeper;
        this.threads = r.threads;
        this.workers = r.workers;
        this.listener = r.listener;
        this.claimed = r.claimed;
        this.repaired = r.repaired;
        this.failed = r.failed;
        this.dead = r.dead;
        this.conflicts = r.conflicts;
    }

    /** The entries of one user's rows of one table (or of one entry without user): one repair. */
    private record Target(String unit, String table, String routingKey, String primaryKey) {
    }

    /** How one group ended. */
    private record Result(List<JournalEntry> entries, RowSync.Result synced, RowSync.Conflict conflict, Exception error,
                          String unrepairable) {
    }

    Repairer.Run repair(List<JournalEntry> batch) {
        claimed.addAndGet(batch.size());
        batch.forEach(e -> notify(l -> l.claimed(e)));
        Map<Target, List<JournalEntry>> groups = new LinkedHashMap<>();
        for (JournalEntry e : batch) {
            Target t = new Target(e.unit(), e.table().toLowerCase(java.util.Locale.ROOT), e.routingKey(),
                    e.routingKey() == null ? e.primaryKey() : null);
            groups.computeIfAbsent(t, k -> new ArrayList<>()).add(e);
        }
        Map<Target, Set<JournalEntry.Status>> openStates = new HashMap<>();
        Map<Target, Set<Side>> directions = directions(groups, openStates);
        List<Result> results = run(groups, directions, openStates);
        return record(results, batch.size());
    }

    /** The sides behind for each group: its own entries' and every other unresolved entry of the same rows. */
    private Map<Target, Set<Side>> directions(Map<Target, List<JournalEntry>> groups,
                                              Map<Target, Set<JournalEntry.Status>> openStates) {
        Map<Target, Set<Side>> out = new HashMap<>();
        // per unit and side behind in this batch: the users, whose entries the other way (or conflicts) matter
        Map<String, Map<Side, Set<String>>> keysByUnit = new LinkedHashMap<>();
        groups.forEach((t, entries) -> {
            Set<Side> sides = EnumSet.noneOf(Side.class);
            entries.forEach(e -> sides.add(e.failedSide()));
            out.put(t, sides);
            if (t.routingKey() != null) {
                for (Side side : sides) {
                    keysByUnit.computeIfAbsent(t.unit(), u -> new java.util.EnumMap<>(Side.class))
                            .computeIfAbsent(side, s -> new LinkedHashSet<>()).add(t.routingKey());
                }
            }
        });
        keysByUnit.forEach((unit, bySide) -> bySide.forEach((side, keys) -> {
            for (Journal.UnresolvedGroup g : journal.unresolved(unit, keys, side.other())) {
                Target t = new Target(g.unit(), g.table().toLowerCase(java.util.Locale.ROOT), g.routingKey(), null);
                Set<Side> sides = out.get(t);
                if (sides != null) {
                    sides.add(g.behind());
                    openStates.computeIfAbsent(t, k -> EnumSet.noneOf(JournalEntry.Status.class)).add(g.status());
                }
            }
        }));
        return out;
    }

    /** Users repaired in one transaction per side: one commit for all of them. */
    static final int USERS_PER_TRANSACTION = 25;

    /** A group that needs copying: its entries, the request for RowSync, the side copied from. */
    private record Job(List<JournalEntry> entries, RowSync.Request request, Side from) {
    }

    /**
     * Decides every group (conflicts need no database), then copies the rest in chunks of users sharing one
     * transaction per side, the chunks on the worker threads. A chunk that fails is repaired user by user, so
     * one bad user cannot hold back the others.
     */
    private List<Result> run(Map<Target, List<JournalEntry>> groups, Map<Target, Set<Side>> directions,
                             Map<Target, Set<JournalEntry.Status>> openStates) {
        List<Result> results = new ArrayList<>(groups.size());
        Map<Side, List<Job>> jobs = new java.util.EnumMap<>(Side.class);
        groups.forEach((t, entries) -> {
            Object decided = decide(t, entries, directions.get(t), openStates.get(t));
            if (decided instanceof Job job) {
                jobs.computeIfAbsent(job.from(), k -> new ArrayList<>()).add(job);
            } else {
                results.add((Result) decided);
            }
        });
        List<java.util.concurrent.Callable<List<Result>>> chunks = new ArrayList<>();
        jobs.forEach((from, list) -> {
            // every chunk locks its users in the same order (table, then user): chunks never wait on each other
            // in a cycle, whatever gap locks the database takes
            list.sort(java.util.Comparator.comparing((Job j) -> j.request().table())
                    .thenComparing(j -> j.request().key()));
            for (int i = 0; i < list.size(); i += USERS_PER_TRANSACTION) {
                List<Job> chunk = list.subList(i, Math.min(list.size(), i + USERS_PER_TRANSACTION));
                chunks.add(() -> copy(chunk, from));
            }
        });
        if (workers == null || chunks.size() == 1) {
            for (java.util.concurrent.Callable<List<Result>> c : chunks) {
                try {
                    results.addAll(c.call());
                } catch (Exception e) {
                    throw new IllegalStateException("dualwrite repair failed", e);
                }
            }
            return results;
        }
        List<Future<List<Result>>> futures = new ArrayList<>(chunks.size());
        chunks.forEach(c -> futures.add(workers.submit(c)));
        for (Future<List<Result>> f : futures) {
            try {
                results.addAll(f.get());
            } catch (ExecutionException e) {
                throw new IllegalStateException("dualwrite repair worker failed", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("dualwrite repair interrupted", e);
            }
        }
        return results;
    }

    /** One chunk in one transaction per side; when that fails, each user on their own. */
    private List<Result> copy(List<Job> chunk, Side from) {
        List<Result> out = new ArrayList<>(chunk.size());
        try {
            List<RowSync.Request> requests = chunk.stream().map(Job::request).toList();
            List<RowSync.Outcome> outcomes = rowSync.repairAll(requests, from);
            for (int i = 0; i < chunk.size(); i++) {
                RowSync.Outcome o = outcomes.get(i);
                out.add(new Result(chunk.get(i).entries(), o.result(), o.conflict(), null, null));
            }
            return out;
        } catch (SQLException | RuntimeException together) {
            for (Job job : chunk) {
                RowSync.Request r = job.request();
                try {
                    RowSync.Result result = r.rows() == null ? rowSync.repair(r.unit(), r.table(), r.key(), from, r.checked())
                            : rowSync.repairRows(r.unit(), r.table(), r.key(), r.rows(), from, r.checked());
                    out.add(done(job.entries(), result));
                } catch (RowSync.Conflict c) {
                    out.add(new Result(job.entries(), null, c, null, null));
                } catch (Exception e) {
                    out.add(new Result(job.entries(), null, null, e, null));
                }
            }
            return out;
        }
    }

    /** A group's outcome decided without copying ({@link Result}), or the {@link Job} that copies it. */
    private Object decide(Target t, List<JournalEntry> entries, Set<Side> behind, Set<JournalEntry.Status> open) {
        JournalEntry decision = null;
        for (JournalEntry e : entries) {
            if (e.reason() == JournalEntry.Reason.RESOLVED) {
                decision = e;
            }
        }
        try {
            if (JournalEntry.EVERY_TABLE.equals(t.table())) {
                String moved = movedOnto(t.unit(), behind);
                // given up (DEAD) with the reason: a person verifies by hand, then retries it (repair --retry-dead)
                return moved == null ? verifyUnit(t.unit(), entries, behind) : new Result(entries, null, null, null, moved);
            }
            if (decision == null && open != null && open.contains(JournalEntry.Status.CONFLICT)) {
                return conflict(entries, t, "the rows of user " + t.routingKey() + " in " + t.table() + " are already"
                        + " in conflict: these entries wait for the same decision");
            }
            if (decision != null && behind.contains(decision.failedSide().other())) {
                // a decision covers the entries it closed; a write journaled after it the other way is news
                return conflict(entries, t, "entries of user " + t.routingKey() + " in " + t.table() + " written after"
                        + " the decision that " + decision.failedSide() + " is behind say that "
                        + decision.failedSide().other() + " is behind: a person decides again");
            }
            if (decision == null && behind.size() > 1) {
                return conflict(entries, t, "entries of user " + t.routingKey() + " in " + t.table() + " say that both"
                        + " OLD and NEW are behind (a move was forced past the journal gate): a person decides which"
                        + " side holds the right rows");
            }
            Side late = decision != null ? decision.failedSide() : behind.iterator().next();
            boolean checked = decision == null;
            if (t.routingKey() != null) {
                return new Job(entries, new RowSync.Request(t.unit(), t.table(),
                        io.github.dualwrite.config.RoutingKey.of(t.routingKey()), rowsNamed(entries), checked), late.other());
            }
            if (t.primaryKey() != null) {
                RowSync.Result result = null;
                for (List<Object> pk : primaryKeys(t.primaryKey())) {
                    RowSync.Result r = rowSync.repairRow(t.unit(), t.table(), pk, late.other(), checked);
                    result = result == null ? r : result.plus(r);
                }
                if (result != null) {
                    return done(entries, result);
                }
            }
            return new Result(entries, null, null, null, "the entry names neither a routing key nor a primary key; run"
                    + " verify on " + t.unit() + "." + t.table() + " to find and repair the difference");
        } catch (RowSync.Conflict c) {
            return new Result(entries, null, c, null, null);
        } catch (Exception e) {
            return new Result(entries, null, null, e, null);
        }
    }

    /**
     * Why an outage entry cannot be settled by a verify: some users of the unit now trust the side it says is
     * behind (a forced move), and a verify copies from today's authority, which would revert the writes it
     * stands for. Null when no user does.
     */
    private String movedOnto(String unit, Set<Side> behind) {
        io.github.dualwrite.config.UnitConfig u = rowSync.control().current().config().units().get(unit);
        if (u == null) {
            return null; // the verify names the missing unit
        }
        for (Side late : behind) {
            if (u.stage().authority() == late || u.hasGray() && u.gray().stage().authority() == late) {
                return "an outage entry says " + late + " is behind for users of unit " + unit + " the process did not"
                        + " name before it stopped, but " + late + " is now the authority for some of them (a move was"
                        + " forced past the journal gate): a verify would copy " + late + " over the writes; compare by"
                        + " hand (dualwrite verify --unit " + unit + "), move the stage back, then dualwrite repair"
                        + " --retry-dead";
            }
        }
        return null;
    }

    /**
     * An outage entry fell due: the process that kept it open stopped before every write it stood for had an
     * entry of its own. Which users those writes touched is not known, so the whole unit is verified and every
     * difference repaired (deleted rows included, which a verify over the version column would miss).
     */
    private Result verifyUnit(String unit, List<JournalEntry> entries, Set<Side> behind) throws SQLException {
        log.warn("dualwrite repair: outage entry of unit {} ({} behind) is due, its process stopped before storing every"
                + " write it stood for: verifying the whole unit and repairing what differs", unit, behind);
        Verifier.Report report;
        try {
            report = Verifier.builder(rowSync, rowSync.control()).clock(clock).sleeper(sleeper).repair(true).build()
                    .full(unit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while verifying unit " + unit + " for an outage entry", e);
        }
        long found = report.missing() + report.extra() + report.different();
        if (report.repaired() < found) {
            throw new SQLException("the verify of unit " + unit + " for an outage entry found " + found
                    + " differences and repaired " + report.repaired() + "; tried again later");
        }
        log.warn("dualwrite repair: outage entry of unit {} closed after a verify: {}", unit, report.line());
        Side late = behind.iterator().next();
        return done(entries, new RowSync.Result(unit, JournalEntry.EVERY_TABLE, null, late.other(), late,
                (int) report.missing(), (int) report.different(), (int) report.extra()));
    }

    private Result conflict(List<JournalEntry> entries, Target t, String reason) throws SQLException {
        String detail = t.routingKey() == null ? null : rowSync.snapshot(t.unit(), t.table(), t.routingKey());
        return new Result(entries, null, new RowSync.Conflict(reason, detail), null, null);
    }

    private static Result done(List<JournalEntry> entries, RowSync.Result result) {
        return new Result(entries, result, null, null, null);
    }

    /** Marks what the batch did: repaired entries in one statement, the others one by one. */
    private Repairer.Run record(List<Result> results, int claimedCount) {
        List<JournalEntry> done = new ArrayList<>();
        Map<JournalEntry, RowSync.Result> synced = new HashMap<>();
        int retry = 0;
        int gaveUp = 0;
        int parked = 0;
        for (Result r : results) {
            if (r.synced() != null) {
                done.addAll(r.entries());
                r.entries().forEach(e -> synced.put(e, r.synced()));
            } else if (r.conflict() != null) {
                for (JournalEntry e : r.entries()) {
                    if (journal.conflict(e.id(), owner, r.conflict().getMessage(), r.conflict().detail())) {
                        parked++;
                        conflicts.incrementAndGet();
                        notify(l -> l.conflict(e, r.conflict().getMessage()));
                    }
                }
                log.warn("dualwrite repair: CONFLICT, {} entries parked for a person: {}", r.entries().size(),
                        r.conflict().getMessage());
            } else if (r.unrepairable() != null) {
                for (JournalEntry e : r.entries()) {
                    gaveUp += giveUp(e, e.attempts() + 1, r.unrepairable()) ? 1 : 0;
                }
            } else {
                for (JournalEntry e : r.entries()) {
                    int outcome = failedAttempt(e, r.error());
                    retry += outcome == 1 ? 1 : 0;
                    gaveUp += outcome == 2 ? 1 : 0;
                }
            }
        }
        int ok = done.isEmpty() ? 0 : journal.complete(done, owner);
        repaired.addAndGet(ok);
        done.forEach(e -> notify(l -> l.repaired(e, synced.get(e))));
        return new Repairer.Run(claimedCount, ok, retry, gaveUp, parked);
    }

    /** 1 when the entry is retried later, 2 when it was given up, 0 when the lease was lost. */
    private int failedAttempt(JournalEntry e, Exception error) {
        int attempts = e.attempts() + 1;
        boolean unreachable = unreachable(error);
        if (attempts >= maxAttempts && !unreachable) {
            return giveUp(e, attempts, "gave up after " + attempts + " attempts: " + error) ? 2 : 0;
        }
        // a side that cannot be reached is waited for as long as it takes, at the longest backoff
        long wait = backoff.apply(Math.min(attempts, 30));
        if (journal.fail(e.id(), owner, attempts, clock.instant().plusMillis(wait), false, String.valueOf(error))) {
            failed.incrementAndGet();
            notify(l -> l.failed(e, error));
            return 1;
        }
        return 0;
    }

    /** Whether a failure says a side could not be reached (worth waiting for) rather than that the repair is wrong. */
    static boolean unreachable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException
                    || t instanceof SQLNonTransientConnectionException || t instanceof SocketException) {
                return true;
            }
            if (t instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    private boolean giveUp(JournalEntry e, int attempts, String reason) {
        if (journal.fail(e.id(), owner, attempts, clock.instant(), true, reason)) {
            dead.incrementAndGet();
            log.warn("dualwrite repair gave up on journal entry {} ({} {} key {}): {}", e.id(), e.unit(), e.table(),
                    e.routingKey(), reason);
            notify(l -> l.dead(e, reason));
            return true;
        }
        return false;
    }

    /**
     * The single-column keys of the rows these entries wrote, or null when some entry does not name its rows
     * (an UPDATE by user, say): then the user's whole table is repaired.
     */
    private static List<Object> rowsNamed(List<JournalEntry> entries) throws java.io.IOException {
        Set<Object> keys = new LinkedHashSet<>();
        for (JournalEntry e : entries) {
            if (e.primaryKey() == null || e.reason() == JournalEntry.Reason.RESOLVED) {
                return null;
            }
            for (List<Object> pk : primaryKeys(e.primaryKey())) {
                if (pk.size() != 1) {
                    return null;
                }
                keys.add(pk.get(0));
            }
        }
        return keys.isEmpty() ? null : new ArrayList<>(keys);
    }

    private static List<List<Object>> primaryKeys(String json) throws java.io.IOException {
        List<List<Object>> out = new ArrayList<>();
        for (JsonNode k : JSON.readTree(json)) {
            List<Object> pk = new ArrayList<>();
            if (k.isArray()) {
                k.forEach(v -> pk.add(value(v)));
            } else {
                pk.add(value(k));
            }
            out.add(pk);
        }
        return out;
    }

    private static Object value(JsonNode v) {
        if (v.isIntegralNumber()) {
            return v.longValue();
        }
        if (v.isNumber()) {
            return v.decimalValue();
        }
        return v.asText();
    }

    private void notify(java.util.function.Consumer<Repairer.Listener> event) {
        try {
            event.accept(listener);
        } catch (RuntimeException e) {
            log.warn("dualwrite repair listener {} failed", listener.getClass().getName(), e);
        }
    }
}
