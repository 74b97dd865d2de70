package io.github.dualwrite.mybatis;

import io.github.dualwrite.StatementControl;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Departs from the stage's routing for the statement of one mapper method, for example a report that must
 * keep reading the old database, or a write the new side cannot run as written:
 *
 * <pre>{@code
 * @DualWriteControl(StatementControl.OLD_ONLY)
 * List<Row> legacyReport(@Param("day") LocalDate day);
 * }</pre>
 *
 * <p>For statements declared in mapper XML (whose DTD allows no extra attribute), name them in the
 * interceptor's properties instead: {@code old-only}, {@code skip-secondary}, {@code authoritative-read}.
 * See {@link StatementControl} for what each control does.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface DualWriteControl {

    /** The control of the method's statement. */
    StatementControl value();
}
