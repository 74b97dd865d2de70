package io.github.dualwrite.spring;

import java.util.Arrays;
import javax.sql.DataSource;
import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.annotation.BeanFactoryAnnotationUtils;

/**
 * The two raw sides: the beans named (or qualified) {@code oldDataSource} and {@code newDataSource}, either the
 * application's or the ones the starter built from {@code dualwrite.old.*} and {@code dualwrite.new.*}.
 */
record DualWriteSides(DataSource oldSide, DataSource newSide) {

    static final String OLD = "oldDataSource";
    static final String NEW = "newDataSource";

    static DualWriteSides resolve(ListableBeanFactory beans) {
        return new DualWriteSides(side(beans, OLD, "dualwrite.old.jdbc-url (with username, password)"),
                side(beans, NEW, "dualwrite.new.sharding-config=classpath:sharding.yaml"));
    }

    private static DataSource side(ListableBeanFactory beans, String name, String property) {
        try {
            return BeanFactoryAnnotationUtils.qualifiedBeanOfType(beans, DataSource.class, name);
        } catch (NoSuchBeanDefinitionException e) {
            String[] found = Arrays.stream(BeanFactoryUtils.beanNamesForTypeIncludingAncestors(beans, DataSource.class,
                    false, false)).filter(n -> !n.equals(DualWriteAutoConfiguration.DATA_SOURCE)).toArray(String[]::new);
            throw new DualWriteSetupException("dualwrite.enabled=true but there is no DataSource named or qualified '"
                    + name + "' (DataSource beans found: " + (found.length == 0 ? "none" : String.join(", ", found))
                    + "), so the starter cannot tell the " + (name.equals(OLD) ? "old" : "new") + " side",
                    "name the bean '" + name + "' (@Bean(\"" + name + "\") or @Qualifier(\"" + name + "\")), or set "
                            + property);
        }
    }
}
