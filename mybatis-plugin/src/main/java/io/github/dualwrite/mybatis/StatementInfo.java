package io.github.dualwrite.mybatis;

import io.github.dualwrite.StatementControl;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Map;
import org.apache.ibatis.io.Resources;
import org.apache.ibatis.mapping.MappedStatement;

/**
 * What the interceptor needs to know about one mapped statement, worked out once: the {@link RoutingKey}
 * parameter of its mapper method, its control and its new-side counterpart.
 *
 * @param keyParameter index of the {@code @RoutingKey} parameter, -1 for none
 * @param keyPath      the property path inside that parameter, empty for the parameter itself
 * @param parameters   the mapper method's parameter count (0 when there is no mapper method)
 * @param control      the statement's control
 * @param newSideId    the id of the statement the new side runs instead, null for none
 */
record StatementInfo(int keyParameter, String[] keyPath, int parameters, StatementControl control, String newSideId) {

    /** A marker for "the mapper parameter is not in the parameter object". */
    static final Object ABSENT = new Object();

    static StatementInfo of(MappedStatement ms, Settings settings) {
        Method method = mapperMethod(ms.getId());
        int keyParameter = -1;
        String[] keyPath = new String[0];
        StatementControl control = settings.control(ms.getId());
        if (method != null) {
            Parameter[] params = method.getParameters();
            for (int i = 0; i < params.length; i++) {
                RoutingKey rk = params[i].getAnnotation(RoutingKey.class);
                if (rk != null) {
                    keyParameter = i;
                    keyPath = rk.value().isBlank() ? new String[0] : rk.value().trim().split("\\.");
                    break;
                }
            }
            DualWriteControl dc = method.getAnnotation(DualWriteControl.class);
            if (dc != null) {
                control = dc.value();
            }
        }
        String counterpart = ms.getId() + settings.newSideSuffix();
        boolean hasNewSide = !ms.getId().endsWith(settings.newSideSuffix())
                && ms.getConfiguration().hasStatement(counterpart, false);
        return new StatementInfo(keyParameter, keyPath, method == null ? 0 : method.getParameterCount(), control,
                hasNewSide ? counterpart : null);
    }

    /** The mapper interface method behind a statement id ({@code namespace.method}), or null. */
    private static Method mapperMethod(String id) {
        int dot = id.lastIndexOf('.');
        if (dot < 0) {
            return null;
        }
        String name = id.substring(dot + 1);
        try {
            Class<?> type = Resources.classForName(id.substring(0, dot));
            for (Method m : type.getMethods()) {
                if (m.getName().equals(name)) {
                    return m;
                }
            }
        } catch (ClassNotFoundException | LinkageError e) {
            // a namespace that is not an interface (XML-only mapper): no annotations to read
        }
        return null;
    }

    /**
     * The {@code @RoutingKey} argument inside MyBatis' parameter object: {@code param<i+1>} of the ParamMap
     * of a method with several (or {@code @Param}-named) parameters, else the object itself (unwrapped
     * from the {@code collection}/{@code array} map MyBatis puts a lone collection in).
     */
    Object argument(Object parameter) {
        if (parameter instanceof Map<?, ?> map) {
            String generic = "param" + (keyParameter + 1);
            if (map.containsKey(generic)) {
                return map.get(generic);
            }
            if (parameters == 1) {
                for (String wrapped : new String[] {"collection", "array"}) {
                    if (map.containsKey(wrapped)) {
                        return map.get(wrapped);
                    }
                }
                return parameter; // the method's only parameter is itself a Map
            }
            return ABSENT;
        }
        return parameters == 1 ? parameter : ABSENT;
    }
}
