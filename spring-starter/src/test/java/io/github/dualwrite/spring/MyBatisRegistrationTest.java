package io.github.dualwrite.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.dualwrite.mybatis.DualWriteInterceptor;
import io.github.dualwrite.testing.DbPair;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.apache.ibatis.plugin.Interceptor;
import org.apache.ibatis.session.SqlSessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mybatis.spring.SqlSessionFactoryBean;
import org.mybatis.spring.boot.autoconfigure.MybatisAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The interceptor lands exactly once on every SqlSessionFactory. */
class MyBatisRegistrationTest {

    @TempDir
    Path dir;

    private ApplicationContextRunner runner;

    @BeforeEach
    void setUp() {
        TestSides.open(DbPair.h2("mybatis"));
        runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DualWriteAutoConfiguration.class,
                        DualWriteMyBatisAutoConfiguration.class, MybatisAutoConfiguration.class))
                .withUserConfiguration(TestSides.class)
                .withPropertyValues("dualwrite.enabled=true", "dualwrite.repair.enabled=false",
                        "dualwrite.journal.file=" + dir.resolve("journal.jsonl"),
                        "dualwrite.units.points.routing-column=user_id",
                        "dualwrite.units.points.tables=points_account", "dualwrite.units.points.stage=DUAL_WRITE");
    }

    @AfterEach
    void tearDown() {
        TestSides.close();
    }

    @Test
    void onceOnEveryFactoryIncludingTheApplicationsOwn() {
        runner.withUserConfiguration(SecondFactory.class).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx.getBeansOfType(SqlSessionFactory.class)).hasSize(2);
            for (SqlSessionFactory factory : ctx.getBeansOfType(SqlSessionFactory.class).values()) {
                assertThat(dualWriteInterceptors(factory)).isEqualTo(1);
            }
        });
    }

    @Test
    void anInterceptorTheApplicationRegisteredIsKept() {
        runner.withUserConfiguration(OwnInterceptor.class).run(ctx -> {
            SqlSessionFactory factory = ctx.getBean(SqlSessionFactory.class);
            assertThat(dualWriteInterceptors(factory)).isEqualTo(1);
            assertThat(factory.getConfiguration().getInterceptors()).contains(OwnInterceptor.INSTANCE);
        });
    }

    @Test
    void offByPropertyOrWithoutThePlugin() {
        runner.withPropertyValues("dualwrite.mybatis.enabled=false").run(ctx ->
                assertThat(dualWriteInterceptors(ctx.getBean(SqlSessionFactory.class))).isZero());
        runner.withClassLoader(new FilteredClassLoader(DualWriteInterceptor.class)).run(ctx ->
                assertThat(ctx).doesNotHaveBean(MyBatisRegistration.class));
    }

    @Test
    void propertiesConfigureTheInterceptor() {
        runner.withPropertyValues("dualwrite.mybatis.key-properties=uid,account.userId",
                "dualwrite.mybatis.old-only=com.acme.ReportMapper.*").run(ctx -> {
            Interceptor interceptor = ctx.getBean(SqlSessionFactory.class).getConfiguration().getInterceptors().stream()
                    .filter(DualWriteInterceptor.class::isInstance).findFirst().orElseThrow();
            assertThat(interceptor.toString()).contains("uid").contains("account.userId").contains("com.acme.ReportMapper.*");
        });
    }

    static long dualWriteInterceptors(SqlSessionFactory factory) {
        return factory.getConfiguration().getInterceptors().stream().filter(DualWriteInterceptor.class::isInstance).count();
    }

    @Configuration(proxyBeanMethods = false)
    static class SecondFactory {
        @Bean
        @org.springframework.context.annotation.Primary
        SqlSessionFactory reportingSqlSessionFactory(DataSource dataSource) throws Exception {
            SqlSessionFactoryBean bean = new SqlSessionFactoryBean();
            bean.setDataSource(dataSource);
            return bean.getObject();
        }

        @Bean
        SqlSessionFactoryBean auditSqlSessionFactory(DataSource dataSource) {
            SqlSessionFactoryBean bean = new SqlSessionFactoryBean();
            bean.setDataSource(dataSource);
            return bean;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnInterceptor {
        static final DualWriteInterceptor INSTANCE = DualWriteInterceptor.builder().keyProperties("uid").build();

        @Bean
        Interceptor ownDualWriteInterceptor() {
            return INSTANCE;
        }
    }
}
