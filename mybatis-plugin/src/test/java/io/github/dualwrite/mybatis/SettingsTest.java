package io.github.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.dualwrite.DualWrite;
import io.github.dualwrite.StatementControl;
import io.github.dualwrite.config.Stage;
import io.github.dualwrite.testing.DbPair;
import io.github.dualwrite.testing.Stack;
import java.io.Reader;
import java.util.Properties;
import org.apache.ibatis.io.Resources;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.junit.jupiter.api.Test;

/** The interceptor's settings: properties from mybatis-config.xml, validation, the builder. */
class SettingsTest {

    @Test
    void propertiesAreReadAndValidated() {
        Properties p = new Properties();
        p.setProperty("key-properties", "userId, et.userId");
        p.setProperty("new-side-suffix", "_v2");
        p.setProperty("old-only", "ns.a, ns.b");
        p.setProperty("skip-secondary", "other.*");
        Settings s = Settings.fromProperties(p);
        assertThat(s.keyPaths()).extracting(path -> String.join(".", path)).containsExactly("userId", "et.userId");
        assertThat(s.newSideSuffix()).isEqualTo("_v2");
        assertThat(s.control("ns.a")).isEqualTo(StatementControl.OLD_ONLY);
        assertThat(s.control("other.anything")).isEqualTo(StatementControl.SKIP_SECONDARY);
        assertThat(s.control("ns.c")).isEqualTo(StatementControl.DEFAULT);
    }

    @Test
    void typosAndBadValuesAreRefusedWithTheFix() {
        Properties typo = new Properties();
        typo.setProperty("key-property", "userId");
        assertThatThrownBy(() -> Settings.fromProperties(typo)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'key-property' is unknown").hasMessageContaining("key-properties");
        Properties twice = new Properties();
        twice.setProperty("old-only", "ns.a");
        twice.setProperty("skip-secondary", "ns.a");
        assertThatThrownBy(() -> Settings.fromProperties(twice)).hasMessageContaining("ns.a is listed as both");
        assertThatThrownBy(() -> DualWriteInterceptor.builder().keyProperties("account..userId").build())
                .hasMessageContaining("'account..userId' is not a property path");
        assertThatThrownBy(() -> DualWriteInterceptor.builder().keyProperties().build())
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> DualWriteInterceptor.builder().newSideSuffix(" ").build())
                .hasMessageContaining("new-side-suffix");
    }

    @Test
    void declaredInMybatisConfigXmlItFindsTheMigrationThroughTheDataSource(@org.junit.jupiter.api.io.TempDir
                                                                           java.nio.file.Path dir) throws Exception {
        try (DbPair pair = DbPair.h2("xml-config"); Stack stack = new Stack(pair, dir)) {
            stack.stage(Stage.READ_NEW);
            pair.updateOld("INSERT INTO points_detail (id, user_id, amount, note) VALUES (1, 7, 1, 'old')");
            pair.updateNew("INSERT INTO points_detail (id, user_id, amount, note) VALUES (1, 7, 1, 'new')");
            SqlSessionFactory factory;
            try (Reader config = Resources.getResourceAsReader("mybatis-config.xml")) {
                factory = new SqlSessionFactoryBuilder().build(config);
            }
            factory.getConfiguration().setEnvironment(new Environment("xml", new JdbcTransactionFactory(), stack.dataSource()));
            DualWriteInterceptor interceptor = (DualWriteInterceptor) factory.getConfiguration().getInterceptors().get(0);
            assertThat(interceptor).hasToString("DualWriteInterceptor[keys=[userId, account.userId], suffix=__new,"
                    + " controls={io.github.dualwrite.mybatis.DetailMapper.noteOf=AUTHORITATIVE_READ,"
                    + " io.github.dualwrite.mybatis.MemoMapper.legacyReport=OLD_ONLY}]");
            try (SqlSession session = factory.openSession(true)) {
                DetailMapper m = session.getMapper(DetailMapper.class);
                assertThat(m.noteOfTransfer(new Transfer(new Transfer.Account(7L), 1))).isEqualTo("new");
                assertThat(m.noteOf(new Detail(1L, 7L, 0, null))).isEqualTo("old");
                assertThat(m.notesOfUser(7)).containsExactly("new");
                stack.stage(Stage.DUAL_WRITE);
                assertThat(m.notesOfUser(7)).containsExactly("old");
            }
            assertThat(interceptor.stats().cacheClears()).isEqualTo(1);
            assertThat(stack.dataSource().explain("SELECT note FROM points_detail WHERE id = ?", 1L).keySource()).isEqualTo(io.github.dualwrite.StatementRoute.KeySource.NONE);
        }
    }
}
