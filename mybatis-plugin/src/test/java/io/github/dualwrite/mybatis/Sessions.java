package io.github.dualwrite.mybatis;

import javax.sql.DataSource;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.plugin.Interceptor;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.LocalCacheScope;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;

/** MyBatis over a DataSource with the test mappers and the given plugins (registered in this order). */
final class Sessions {

    private Sessions() {
    }

    static SqlSessionFactory factory(DataSource ds, LocalCacheScope cacheScope, Interceptor... interceptors) {
        Configuration conf = new Configuration(new Environment("dualwrite", new JdbcTransactionFactory(), ds));
        conf.setMapUnderscoreToCamelCase(true);
        conf.setLocalCacheScope(cacheScope);
        for (Interceptor i : interceptors) {
            conf.addInterceptor(i);
        }
        conf.addMapper(DetailMapper.class);
        conf.addMapper(MemoMapper.class);
        return new SqlSessionFactoryBuilder().build(conf);
    }

    static SqlSessionFactory factory(DataSource ds, Interceptor... interceptors) {
        return factory(ds, LocalCacheScope.SESSION, interceptors);
    }
}
