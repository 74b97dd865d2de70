package io.github.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.pagehelper.Page;
import com.github.pagehelper.PageHelper;
import com.github.pagehelper.PageInterceptor;
import io.github.dualwrite.DualWrite;
import io.github.dualwrite.RoutingScope;
import io.github.dualwrite.StatementControl;
import io.github.dualwrite.config.Side;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.config.MigrationConfig;
import io.github.dualwrite.sync.RowSync;
import io.github.dualwrite.sync.Verifier;
import io.github.dualwrite.testing.StackContract;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.ibatis.exceptions.PersistenceException;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.LocalCacheScope;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The MyBatis plugin against a real old/new pair. Users: {@link #GRAY} (bucket 7) is in the gray share,
 * {@link #BASE} (bucket 9007) is not. Rows read back tell which side answered: the fixtures put the same
 * row on both sides with the note "old" or "new".
 */
abstract class InterceptorContract extends StackContract {

    static final long GRAY = 7;
    static final long BASE = 9007;
    private static final String NOTE_SQL = "SELECT note FROM points_detail WHERE id = ?";

    private DualWriteInterceptor interceptor;
    private SqlSessionFactory factory;

    @BeforeAll
    void setUp() {
        interceptor = DualWriteInterceptor.builder()
                .keyProperties("userId", "user_id", "account.userId", "ew.entity.userId")
                .control("io.github.dualwrite.mybatis.MemoMapper.legacyReport", StatementControl.OLD_ONLY)
                .build();
        factory = Sessions.factory(stack.dataSource(), interceptor);
    }

    @BeforeEach
    void reset() {
        // half the users (buckets 0..4999) read the new side; writes without a key are refused
        stack.stage(Stage.DUAL_WRITE, Stage.READ_NEW, 5_000, MigrationConfig.UnkeyedPolicy.REJECT);
    }

    @AfterEach
    void nothingLeftOnTheThread() {
        assertThat(stack.dataSource().explain("SELECT memo FROM points_memo WHERE id = ?", 1L).keySource())
                .as("no key or hint left on the thread").isEqualTo(io.github.dualwrite.StatementRoute.KeySource.NONE);
    }

    /** The same detail row on both sides, with note "old" and "new". */
    private void seed(long id, long userId) {
        pair.updateOld("INSERT INTO points_detail (id, user_id, amount, note) VALUES (?, ?, 1, 'old')", id, userId);
        pair.updateNew("INSERT INTO points_detail (id, user_id, amount, note) VALUES (?, ?, 1, 'new')", id, userId);
    }

    private String note(Side side, long id) {
        String sql = "SELECT note FROM points_detail WHERE id = ?";
        List<Map<String, Object>> rows = side == Side.OLD ? pair.queryOld(sql, id) : pair.queryNew(sql, id);
        return rows.isEmpty() ? null : (String) rows.get(0).get("note");
    }

    private Side explained(long userId) {
        try (RoutingScope s = DualWrite.routeBy(userId)) {
            return stack.dataSource().explain(NOTE_SQL, 1L).runsOn();
        }
    }

    // ------------------------------------------------------------------ where the key comes from

    @Test
    void theAnnotatedParameterRoutesAndMatchesExplain() {
        seed(1, GRAY);
        seed(2, BASE);
        try (SqlSession session = factory.openSession()) {
            DetailMapper m = session.getMapper(DetailMapper.class);
            assertThat(m.noteByAnnotatedKey(GRAY, 1)).isEqualTo("new");
            assertThat(m.noteByAnnotatedKey(BASE, 2)).isEqualTo("old");
        }
        assertThat(explained(GRAY)).isEqualTo(Side.NEW);
        assertThat(explained(BASE)).isEqualTo(Side.OLD);
    }

    @Test
    void aReadInATransactionKeepsItsFirstSideAfterASwitch() {
        seed(1, GRAY);
        stack.stage(Stage.DUAL_WRITE);
        try (SqlSession session = factory.openSession(false)) {
            DetailMapper m = session.getMapper(DetailMapper.class);
            assertThat(m.notesOfUser(GRAY)).containsExactly("old");
            stack.stage(Stage.READ_NEW);
            assertThat(m.notesOfUser(GRAY)).containsExactly("old");
            session.commit(true);
            assertThat(m.notesOfUser(GRAY)).containsExactly("new");
        }
    }

    @Test
    void aBeanPropertyAMapEntryAndNamedParametersGiveTheKey() {
        seed(1, GRAY);
        try (SqlSession session = factory.openSession()) {
            DetailMapper m = session.getMapper(DetailMapper.class);
            assertThat(m.noteOf(new Detail(1L, GRAY, 0, null))).isEqualTo("new");
            Map<String, Object> params = new HashMap<>();
            params.put("user_id", GRAY);
            params.put("id", 1L);
            assertThat(m.noteByMap(params)).isEqualTo("new");
            assertThat(m.noteByParams(GRAY, 1)).isEqualTo("new");
            // without a key the read follows the base stage: the old side
            params.remove("user_id");
            assertThat(m.noteByMap(params)).isEqualTo("old");
        }
    }

    @Test
    void nestedPathsAndMyBatisPlusNamesGiveTheKey() {
        seed(1, GRAY);
        try (SqlSession session = factory.openSession(true)) {
            DetailMapper m = session.getMapper(DetailMapper.class);
            assertThat(m.noteOfTransfer(new Transfer(new Transfer.Account(GRAY), 1))).isEqualTo("new");
            assertThat(m.selectOne(new QueryWrapper(new Detail(1L, GRAY, 0, null)))).isEqualTo("new");
            // MyBatis-Plus' updateById(@Param("et") entity): found on the ParamMap's value; unkeyed writes are refused
            assertThat(m.updateById(new Detail(1L, GRAY, 0, "renamed"))).isEqualTo(1);
        }
        assertThat(note(Side.OLD, 1)).isEqualTo("renamed");
        assertThat(note(Side.NEW, 1)).isEqualTo("renamed");
    }

    @Test
    void aForeachCollectionGivesTheKeyOnlyWhenAllItemsShareIt() {
        seed(1, GRAY);
        seed(2, GRAY);
        seed(3, BASE);
        try (SqlSession session = factory.openSession(true)) {
            DetailMapper m = session.getMapper(DetailMapper.class);
            assertThat(m.renameAll(List.of(new Detail(1L, GRAY, 0, null), new Detail(2L, GRAY, 0, null)), "both"))
                    .isEqualTo(2);
            assertThatThrownBy(() -> m.renameAll(List.of(new Detail(1L, GRAY, 0, null), new Detail(3L, BASE, 0, null)),
                    "mixed")).isInstanceOf(PersistenceException.class).hasMessageContaining("no routing key");
            assertThat(m.renameById(new Detail(3L, BASE, 0, "by-path"))).isEqualTo(1);
        }
        for (Side side : Side.values()) {
            assertThat(note(side, 1)).isEqualTo("both");
            assertThat(note(side, 2)).isEqualTo("both");
            assertThat(note(side, 3)).isEqualTo("by-path");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Stage.class)
    void aForeachInsertWithoutIdsGetsTheSameIdsOnEverySideAndBackInTheItems(Stage stage) {
        stack.stage(stage);
        List<Detail> details = List.of(new Detail(null, GRAY, 1, "a"), new Detail(null, GRAY, 2, "b"),
                new Detail(null, GRAY, 3, "c"));
        try (SqlSession session = factory.openSession(true)) {
            assertThat(session.getMapper(DetailMapper.class).insertAllWithoutIds(details)).isEqualTo(3);
        }
        assertThat(details).extracting(Detail::getId).as("MyBatis set the generated ids").doesNotContainNull()
                .doesNotHaveDuplicates();
        String sql = "SELECT id, user_id, amount, note, gmt_modified FROM points_detail ORDER BY id";
        List<Map<String, Object>> authority = stage.authority() == Side.OLD ? pair.queryOld(sql) : pair.queryNew(sql);
        assertThat(authority).extracting(r -> ((Number) r.get("id")).longValue())
                .containsExactlyElementsOf(details.stream().map(Detail::getId).sorted().toList());
        List<Map<String, Object>> other = stage.authority() == Side.OLD ? pair.queryNew(sql) : pair.queryOld(sql);
        assertThat(other).as("the other side in " + stage).isEqualTo(stage.writesBoth() ? authority : List.of());
        assertThat(stack.journalTable().read(0, 10)).isEmpty();
    }

    @Test
    void theThreadIsCleanAfterAFailedCallToo() {
        seed(1, GRAY);
        try (SqlSession session = factory.openSession(true)) {
            DetailMapper m = session.getMapper(DetailMapper.class);
            assertThatThrownBy(() -> m.insert(new Detail(1L, GRAY, 5, "duplicate"))).isInstanceOf(PersistenceException.class);
            assertThat(stack.dataSource().explain("SELECT note FROM points_detail WHERE id = ?", 1L).keySource()).isEqualTo(io.github.dualwrite.StatementRoute.KeySource.NONE);
            assertThat(m.noteByParams(GRAY, 1)).isEqualTo("new");
            assertThat(stack.dataSource().explain("SELECT note FROM points_detail WHERE id = ?", 1L).keySource()).isEqualTo(io.github.dualwrite.StatementRoute.KeySource.NONE);
        }
    }

    // ------------------------------------------------------------------ transactions

    @Test
    void aMapperTransactionCommitsAndRollsBackOnBothSides() {
        try (SqlSession session = factory.openSession(false)) {
            DetailMapper m = session.getMapper(DetailMapper.class);
            m.insert(new Detail(1L, GRAY, 5, "a"));
            m.updateById(new Detail(1L, GRAY, 0, "b"));
            session.commit();
        }
        try (SqlSession session = factory.openSession(false)) {
            DetailMapper m = session.getMapper(DetailMapper.class);
            m.insert(new Detail(2L, GRAY, 5, "c"));
            m.updateById(new Detail(1L, GRAY, 0, "d"));
            session.rollback();
        }
        for (Side side : Side.values()) {
            assertThat(note(side, 1)).isEqualTo("b");
            assertThat(note(side, 2)).isNull();
        }
        assertThat(stack.journalTable().read(0, 10)).isEmpty();
    }

    // ------------------------------------------------------------------ per-statement control

    @Test
    void controlsFromAnnotationsAndProperties() {
        seed(1, GRAY);
        pair.updateOld("INSERT INTO points_detail (id, user_id, amount, note) VALUES (99, ?, 1, 'old side only')", BASE);
        pair.updateOld("INSERT INTO points_memo (id, user_id, memo) VALUES (5, ?, 'legacy')", GRAY);
        pair.updateNew("INSERT INTO points_memo (id, user_id, remark) VALUES (5, ?, 'legacy')", GRAY);
        stack.stage(Stage.READ_NEW);
        try (SqlSession session = factory.openSession()) {
            DetailMapper m = session.getMapper(DetailMapper.class);
            assertThat(m.noteByAnnotatedKey(GRAY, 1)).isEqualTo("new");
            assertThat(m.noteFromAuthority(GRAY, 1)).isEqualTo("old");
            assertThat(m.countOnOldSide()).isEqualTo(2);
            // legacyReport has no new-side counterpart and reads a column the new side renamed: old-only by property
            assertThat(session.getMapper(MemoMapper.class).legacyReport(5)).isEqualTo("legacy");
        }
    }

    // ------------------------------------------------------------------ a new schema

    @Test
    void theNewSideRunsTheCounterpartAndTheVerifierFindsNoDifference() throws Exception {
        long id;
        try (SqlSession session = factory.openSession(false)) {
            MemoMapper m = session.getMapper(MemoMapper.class);
            Memo memo = new Memo(null, GRAY, "first");
            m.insertMemo(memo);
            id = memo.getId();
            m.insertMemo(new Memo(null, BASE, "other user"));
            memo.setMemo("changed");
            assertThat(m.updateMemo(memo)).isEqualTo(1);
            session.commit();
        }
        assertThat(pair.queryNew("SELECT remark FROM points_memo WHERE id = ?", id))
                .containsExactly(Map.of("remark", "changed"));
        assertThat(pair.queryOld("SELECT memo FROM points_memo WHERE id = ?", id))
                .containsExactly(Map.of("memo", "changed"));
        // the gray user reads the new side through the counterpart, the other the old side
        try (SqlSession session = factory.openSession()) {
            MemoMapper m = session.getMapper(MemoMapper.class);
            assertThat(m.memosOfUser(GRAY)).extracting(Memo::getMemo).containsExactly("changed");
            assertThat(m.memosOfUser(BASE)).extracting(Memo::getMemo).containsExactly("other user");
        }
        Verifier.Report report = Verifier.builder(new RowSync(pair.oldDataSource(), pair.newDataSource(), stack.control()),
                stack.control()).recheck(0, Duration.ZERO).build().full("points");
        assertThat(report.equal()).as(report.line()).isTrue();
        assertThat(report.rows()).isEqualTo(2);
        assertThat(stack.journalTable().read(0, 10)).isEmpty();
    }

    @Test
    void aBatchSessionFlushesTheCounterpartsAtCommit() throws Exception {
        try (SqlSession session = factory.openSession(ExecutorType.BATCH, false)) {
            MemoMapper m = session.getMapper(MemoMapper.class);
            for (int i = 0; i < 3; i++) {
                m.insertMemo(new Memo(null, GRAY + 2L * i, "batch " + i));
            }
            session.commit();
        }
        assertThat(pair.queryNew("SELECT id, user_id, remark AS memo FROM points_memo ORDER BY id"))
                .isEqualTo(pair.queryOld("SELECT id, user_id, memo FROM points_memo ORDER BY id")).hasSize(3);
        Verifier.Report report = Verifier.builder(new RowSync(pair.oldDataSource(), pair.newDataSource(), stack.control()),
                stack.control()).recheck(0, Duration.ZERO).build().full("points");
        assertThat(report.equal()).as(report.line()).isTrue();
    }

    // ------------------------------------------------------------------ first-level cache

    @Test
    void aSwitchedReadIsNotAnsweredFromTheOtherSidesCache() {
        seed(1, GRAY);
        stack.stage(Stage.DUAL_WRITE);
        long clears = interceptor.stats().cacheClears();
        SqlSessionFactory unguarded = Sessions.factory(stack.dataSource());
        // auto-commit sessions: inside a transaction the engine keeps the first read's side on purpose (G6)
        try (SqlSession guardedSession = factory.openSession(true); SqlSession plainSession = unguarded.openSession(true)) {
            DetailMapper guarded = guardedSession.getMapper(DetailMapper.class);
            DetailMapper plain = plainSession.getMapper(DetailMapper.class);
            assertThat(guarded.notesOfUser(GRAY)).containsExactly("old");
            assertThat(plain.notesOfUser(GRAY)).containsExactly("old");
            stack.stage(Stage.READ_NEW);
            assertThat(guarded.notesOfUser(GRAY)).containsExactly("new");
            // what MyBatis does on its own: the session's cache answers with the old side's rows
            assertThat(plain.notesOfUser(GRAY)).containsExactly("old");
        }
        assertThat(interceptor.stats().cacheClears()).isEqualTo(clears + 1);
        SqlSessionFactory perStatement = Sessions.factory(stack.dataSource(), LocalCacheScope.STATEMENT);
        try (SqlSession session = perStatement.openSession(true)) {
            DetailMapper m = session.getMapper(DetailMapper.class);
            assertThat(m.notesOfUser(GRAY)).containsExactly("new");
            stack.stage(Stage.DUAL_WRITE);
            assertThat(m.notesOfUser(GRAY)).containsExactly("old");
        }
    }

    // ------------------------------------------------------------------ installation

    @Test
    void installingTwiceIsHarmless() {
        seed(1, GRAY);
        DualWriteInterceptor inner = DualWriteInterceptor.builder().build();
        DualWriteInterceptor outer = DualWriteInterceptor.builder().build();
        SqlSessionFactory twice = Sessions.factory(stack.dataSource(), inner, outer, outer);
        try (SqlSession session = twice.openSession(true)) {
            DetailMapper m = session.getMapper(DetailMapper.class);
            assertThat(m.noteByParams(GRAY, 1)).isEqualTo("new");
            assertThat(m.updateById(new Detail(1L, GRAY, 0, "once"))).isEqualTo(1);
        }
        assertThat(outer.stats().calls()).isEqualTo(2);
        assertThat(inner.stats().calls()).isZero();
        assertThat(note(Side.NEW, 1)).isEqualTo("once");
        assertThat(stack.journalTable().read(0, 10)).isEmpty();
    }

    @Test
    void pageHelperRegisteredAfterTheInterceptorPagesBothSidesAndTheCounterpart() {
        for (int i = 1; i <= 5; i++) {
            pair.updateOld("INSERT INTO points_memo (id, user_id, memo) VALUES (?, ?, ?)", i, GRAY, "old " + i);
            pair.updateNew("INSERT INTO points_memo (id, user_id, remark) VALUES (?, ?, ?)", i, GRAY, "new " + i);
        }
        SqlSessionFactory paged = Sessions.factory(stack.dataSource(), DualWriteInterceptor.builder().build(), pageHelper());
        try (SqlSession session = paged.openSession()) {
            MemoMapper m = session.getMapper(MemoMapper.class);
            PageHelper.startPage(2, 2);
            List<Memo> page = m.memosOfUser(GRAY);
            assertThat(page).extracting(Memo::getMemo).containsExactly("new 3", "new 4");
            assertThat(((Page<?>) page).getTotal()).isEqualTo(5);
            PageHelper.startPage(1, 2);
            assertThat(m.memosOfUser(BASE)).isEmpty();
        }
    }

    @Test
    void pageHelperRegisteredBeforeTheInterceptorStillRoutesByKey() {
        for (long id = 1; id <= 3; id++) {
            seed(id, GRAY);
        }
        SqlSessionFactory paged = Sessions.factory(stack.dataSource(), pageHelper(), DualWriteInterceptor.builder().build());
        try (SqlSession session = paged.openSession()) {
            DetailMapper m = session.getMapper(DetailMapper.class);
            PageHelper.startPage(1, 2);
            List<String> page = m.notesOfUser(GRAY);
            assertThat(page).containsExactly("new", "new");
            assertThat(((Page<?>) page).getTotal()).isEqualTo(3);
        }
    }

    private static PageInterceptor pageHelper() {
        PageInterceptor pages = new PageInterceptor();
        Properties props = new Properties();
        props.setProperty("helperDialect", "mysql");
        pages.setProperties(props);
        return pages;
    }
}
