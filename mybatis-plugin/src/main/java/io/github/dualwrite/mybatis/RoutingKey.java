package io.github.dualwrite.mybatis;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the mapper-method parameter that carries the routing key (the user id), so that
 * {@link DualWriteInterceptor} routes every statement of the call by it:
 *
 * <pre>{@code
 * List<Detail> findRecent(@RoutingKey @Param("uid") long uid, @Param("limit") int limit);
 * int insertAll(@RoutingKey("userId") @Param("list") List<Detail> details);   // every item's userId, all equal
 * }</pre>
 *
 * <p>The annotated parameter wins over every property-name rule. With a {@link #value() property path} the
 * key is read inside the parameter (nested paths such as {@code account.userId} work); a collection or
 * array gives a key only when all its items give the same one.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface RoutingKey {

    /** The property path inside the parameter, empty when the parameter itself is the key. */
    String value() default "";
}
