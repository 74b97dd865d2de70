package io.github.dualwrite.testing;

import io.github.dualwrite.DualWriteDataSource;
import io.github.dualwrite.ids.SegmentSequence;
import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.config.MigrationControl;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.config.TableConfig;
import io.github.dualwrite.config.UnitConfig;
import io.github.dualwrite.journal.FallbackJournal;
import io.github.dualwrite.journal.FileJournal;
import io.github.dualwrite.journal.JdbcJournal;
import io.github.dualwrite.journal.JournalPolicy;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A dual-write DataSource over a {@link DbPair}, with both sides wrapped in {@link FaultyDataSource}s and
 * the {@link Schema}'s two units configured: {@code points} (points_account, points_detail, points_memo
 * whose {@code memo} is {@code remark} on the new side) and {@code coupon}. Stages are moved with
 * {@link #stage}; forced, so tests can jump anywhere. Ids of INSERTs that omit them come from a segment
 * sequence on the new side's first shard ({@link #ids} switches to the old side's AUTO_INCREMENT).
 */
public final class Stack implements AutoCloseable {

    private final DbPair pair;
    private final FaultyDataSource oldSide;
    private final FaultyDataSource newSide;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T08:00:00Z"));
    private final MigrationControl control = MigrationControl.empty(clock);
    private final JdbcJournal table;
    private final FileJournal file;
    private final DualWriteDataSource dataSource;
    private final boolean ownsPair;
    private final Path ownDir;
    private TableConfig.IdSource ids = TableConfig.IdSource.SEQUENCE;
    private MigrationConfig.WriteMode mode = MigrationConfig.WriteMode.SYNC;

    /** A stack over {@code pair}, its fallback journal file in {@code journalDir}, everything OLD_ONLY. */
    public Stack(DbPair pair, Path journalDir) {
        this(pair, journalDir, false, java.time.Duration.ofSeconds(5));
    }

    private Stack(DbPair pair, Path journalDir, boolean ownsPair, java.time.Duration dirtyKeysRefresh) {
        this.pair = pair;
        this.ownsPair = ownsPair;
        this.ownDir = ownsPair ? journalDir : null;
        this.oldSide = FaultyDataSource.wrap(pair.oldDataSource());
        this.newSide = FaultyDataSource.wrap(pair.newDataSource());
        control.apply(config(Stage.OLD_ONLY, Stage.OLD_ONLY, 0, MigrationConfig.UnkeyedPolicy.EXECUTE_BOTH), "test").orThrow();
        // the fixtures keep everything, so that tests can assert on what was journaled (JournalPrivacy* test the policies)
        JournalPolicy full = JournalPolicy.DEFAULTS.withParams(JournalPolicy.Params.FULL);
        this.table = new JdbcJournal(oldSide.dataSource(), JdbcJournal.DEFAULT_TABLE, full);
        this.file = new FileJournal(journalDir.resolve("journal.jsonl"), full);
        this.dataSource = DualWriteDataSource.builder().oldDataSource(oldSide.dataSource())
                .newDataSource(newSide.dataSource()).control(control).journal(new FallbackJournal(table, file))
                .sequence(SegmentSequence.builder(pair.shard(0)).step(100).build()).clock(clock).dirtyKeysRefresh(dirtyKeysRefresh).build();
    }

    /**
     * A stack that owns {@code pair} (closed with the stack), its journal file in a fresh temporary directory:
     * the usual set-up of a test class.
     */
    public static Stack over(DbPair pair) {
        return over(pair, java.time.Duration.ofSeconds(5));
    }

    /**
     * Like {@link #over(DbPair)}, the read-your-writes guard re-reading the journal every {@code dirtyKeysRefresh}
     * (short in load tests, so that refreshes race with the journal's changes all the time).
     */
    public static Stack over(DbPair pair, java.time.Duration dirtyKeysRefresh) {
        try {
            return new Stack(pair, java.nio.file.Files.createTempDirectory("dualwrite-" + pair.name()), true,
                    dirtyKeysRefresh);
        } catch (java.io.IOException | RuntimeException e) {
            pair.close();
            throw new IllegalStateException("cannot set up a stack over " + pair.name() + ": " + e.getMessage(), e);
        }
    }

    /** The document the stack uses, for a stage of {@code points} (coupon follows the same stages), ids from the sequence. */
    public static MigrationConfig config(Stage stage, Stage grayStage, int ratio, MigrationConfig.UnkeyedPolicy policy) {
        return config(stage, grayStage, ratio, policy, TableConfig.IdSource.SEQUENCE);
    }

    /** Like {@link #config(Stage, Stage, int, MigrationConfig.UnkeyedPolicy)} with ids from {@code ids}. */
    public static MigrationConfig config(Stage stage, Stage grayStage, int ratio, MigrationConfig.UnkeyedPolicy policy, TableConfig.IdSource ids) {
        UnitConfig.Gray gray = new UnitConfig.Gray(grayStage, ratio, null, null);
        return MigrationConfig.builder()
                .unit(UnitConfig.builder("points").routingColumn("user_id")
                        .table(TableConfig.of("points_account").withVersionColumn("gmt_modified").withIdSource(ids))
                        .table(TableConfig.of("points_detail").withVersionColumn("gmt_modified").withIdSource(ids))
                        .table(TableConfig.of("points_memo").withVersionColumn("gmt_modified").withRenamedColumn("memo", "remark")
                                .withIdSource(ids))
                        .stage(stage).gray(gray).build())
                .unit(UnitConfig.builder("coupon").routingColumn("user_id").table(TableConfig.of("coupon").withIdSource(ids))
                        .stage(stage).gray(gray).build())
                .unkeyedPolicy(policy).force(true).build();
    }

    /**
     * Where later {@link #stage} calls take ids from: {@link TableConfig.IdSource#SEQUENCE} (the default) or
     * {@link TableConfig.IdSource#OLD} (the old side's AUTO_INCREMENT, which no stage past READ_NEW accepts).
     */
    public Stack ids(TableConfig.IdSource value) {
        this.ids = value;
        return this;
    }

    /** How later {@link #stage} calls run secondary writes: SYNC (the default) or ASYNC. */
    public Stack mode(MigrationConfig.WriteMode value) {
        this.mode = value;
        return this;
    }

    /** Moves every unit to {@code stage}, {@code ratio} basis points of users in {@code grayStage}. */
    public Stack stage(Stage stage, Stage grayStage, int ratio) {
        return stage(stage, grayStage, ratio, MigrationConfig.UnkeyedPolicy.EXECUTE_BOTH);
    }

    /** Like {@link #stage(Stage, Stage, int)} with another unkeyed policy. */
    public Stack stage(Stage stage, Stage grayStage, int ratio, MigrationConfig.UnkeyedPolicy policy) {
        MigrationConfig c = config(stage, grayStage, ratio, policy, ids);
        control.apply(c.withSecondary(c.secondary().withMode(mode)), "test").orThrow();
        return this;
    }

    /** Everybody in {@code stage}. */
    public Stack stage(Stage stage) {
        return stage(stage, stage, 0);
    }

    public DualWriteDataSource dataSource() {
        return dataSource;
    }

    public DbPair pair() {
        return pair;
    }

    public FaultyDataSource oldSide() {
        return oldSide;
    }

    public FaultyDataSource newSide() {
        return newSide;
    }

    public MigrationControl control() {
        return control;
    }

    public MutableClock clock() {
        return clock;
    }

    public JdbcJournal journalTable() {
        return table;
    }

    public FileJournal journalFile() {
        return file;
    }

    /** Entries of writes in the journal table, any status, without the outage entries that stood for them. */
    public long writeEntries() {
        return table.read(0, 100_000).stream()
                .filter(e -> e.reason() != io.github.dualwrite.journal.JournalEntry.Reason.OUTAGE).count();
    }

    /**
     * Waits until every write a breaker made skip has its own entry in the journal table and the outage entries
     * that stood for them are closed (the engine stores them in the background): then the table says it all.
     */
    public void awaitOutagesClosed() {
        Poll.until(java.time.Duration.ofSeconds(30), () -> table.read(0, 100_000).stream().noneMatch(e ->
                e.reason() == io.github.dualwrite.journal.JournalEntry.Reason.OUTAGE && e.status().unresolved()));
    }

    /** Empties both sides and the journal table. */
    public void reset() {
        ids = TableConfig.IdSource.SEQUENCE;
        mode = MigrationConfig.WriteMode.SYNC;
        pair.truncateAll();
        oldSide.set(FaultyDataSource.Fault.NONE).resetCount().afterSuccess(null);
        newSide.set(FaultyDataSource.Fault.NONE).resetCount();
        dataSource.resetCircuitBreakers();
        // the last test's skipped writes still buffered would land in the next test's journal
        Poll.until(java.time.Duration.ofSeconds(30), () -> dataSource.stats().outagesOpen() == 0
                && dataSource.stats().journalBuffered() == 0);
        if (dataSource.journal() instanceof io.github.dualwrite.journal.FallbackJournal fallback) {
            fallback.retryTable();
        }
        try {
            table.createIfAbsent();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        pair.updateOld("DELETE FROM " + table.table());
        try {
            file.clear();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        dataSource.refreshJournalView();
    }

    @Override
    public void close() {
        dataSource.close();
        if (ownsPair) {
            pair.close();
        }
        if (ownDir != null) {
            try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(ownDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot remove " + ownDir + ": " + e.getMessage(), e);
            }
        }
    }
}
