package io.github.dualwrite.spring;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.convert.converter.ConditionalGenericConverter;

/**
 * Lets the properties bean accept the core's plain table lists ({@code tables=a,b}, {@code tables: [a, b]}) where
 * it expects a map of tables. The document itself is always read by {@link EnvironmentDocument}, which reads the
 * lists by name; this only keeps the bean's binding from failing on them.
 */
final class TableListConverter implements ConditionalGenericConverter {

    @Override
    public Set<ConvertiblePair> getConvertibleTypes() {
        return Set.of(new ConvertiblePair(String.class, Map.class), new ConvertiblePair(String.class, UnitProperties.Table.class));
    }

    @Override
    public boolean matches(TypeDescriptor sourceType, TypeDescriptor targetType) {
        if (targetType.getType() == UnitProperties.Table.class) {
            return true;
        }
        TypeDescriptor values = targetType.isMap() ? targetType.getMapValueTypeDescriptor() : null;
        return values != null && values.getType() == UnitProperties.Table.class;
    }

    @Override
    public Object convert(Object source, TypeDescriptor sourceType, TypeDescriptor targetType) {
        if (targetType.getType() == UnitProperties.Table.class) {
            return new UnitProperties.Table();
        }
        Map<String, UnitProperties.Table> tables = new LinkedHashMap<>();
        for (String name : String.valueOf(source).split(",")) {
            if (!name.isBlank()) {
                tables.put(name.trim(), new UnitProperties.Table());
            }
        }
        return tables;
    }
}
