package io.github.dualwrite.mybatis;

import java.lang.reflect.Array;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.ibatis.reflection.MetaObject;
import org.apache.ibatis.session.Configuration;

/**
 * Finds the routing key in MyBatis' parameter object, first found wins: the {@code @RoutingKey} parameter;
 * a configured property path on the parameter itself (a bean, a {@code Map} or MyBatis' {@code ParamMap});
 * the same path on each value of a {@code ParamMap} (the bean behind {@code @Param("detail")}, MyBatis-Plus'
 * {@code et}); a collection or array ({@code foreach}) whose items all give the same key. Two values giving
 * different keys is no key (the statement is then routed by its SQL or the unkeyed policy), never a guess.
 *
 * <p>{@code ParamMap.get} throws for a missing name, so every map is asked {@code containsKey} first.
 */
final class KeyFinder {

    private static final Object MISSING = new Object();

    private KeyFinder() {
    }

    /** The key, or null when the parameter object does not give exactly one. */
    static Object find(Configuration conf, Object parameter, StatementInfo info, List<String[]> paths) {
        if (parameter == null) {
            return null;
        }
        if (info.keyParameter() >= 0) {
            Object argument = info.argument(parameter);
            return argument == StatementInfo.ABSENT ? null : uniform(conf, argument, info.keyPath());
        }
        for (String[] path : paths) {
            Object key = uniform(conf, parameter, path);
            if (key != null) {
                return key;
            }
        }
        if (parameter instanceof Map<?, ?> map) {
            for (String[] path : paths) {
                Object found = null;
                for (Object value : map.values()) {
                    if (value == null || value == parameter) {
                        continue;
                    }
                    Object key = uniform(conf, value, path);
                    if (key == null) {
                        continue;
                    }
                    if (found != null && !found.equals(key)) {
                        return null; // two users in one call: let the SQL decide
                    }
                    found = key;
                }
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** The key at {@code path} in {@code value}; for a collection or array, the key every item gives. */
    static Object uniform(Configuration conf, Object value, String[] path) {
        if (value instanceof Collection<?> items) {
            Object shared = null;
            for (Object item : items) {
                Object key = single(conf, item, path);
                if (key == null || shared != null && !shared.equals(key)) {
                    return null;
                }
                shared = key;
            }
            return shared;
        }
        if (value != null && value.getClass().isArray() && !value.getClass().getComponentType().isPrimitive()) {
            Object shared = null;
            for (int i = 0; i < Array.getLength(value); i++) {
                Object key = single(conf, Array.get(value, i), path);
                if (key == null || shared != null && !shared.equals(key)) {
                    return null;
                }
                shared = key;
            }
            return shared;
        }
        return single(conf, value, path);
    }

    private static Object single(Configuration conf, Object value, String[] path) {
        Object v = path.length == 0 ? value : property(conf, value, path);
        return v == MISSING ? null : keyValue(v);
    }

    /** A value usable as a routing key (a whole number or text), normalised; else null. */
    private static Object keyValue(Object v) {
        if (!(v instanceof Number) && !(v instanceof CharSequence)) {
            return null;
        }
        try {
            return io.github.dualwrite.config.RoutingKey.of(v);
        } catch (IllegalArgumentException notAKey) {
            return null;
        }
    }

    /** The value at a property path, or MISSING when a step does not exist. */
    private static Object property(Configuration conf, Object target, String[] path) {
        Object current = target;
        for (String step : path) {
            if (current == null || current instanceof Number || current instanceof CharSequence
                    || current instanceof Collection<?> || current.getClass().isArray()) {
                return MISSING;
            }
            if (current instanceof Map<?, ?> map) {
                if (!map.containsKey(step)) {
                    return MISSING;
                }
                current = map.get(step);
                continue;
            }
            MetaObject meta = conf.newMetaObject(current);
            if (!meta.hasGetter(step)) {
                return MISSING;
            }
            current = meta.getValue(step);
        }
        return current;
    }
}
