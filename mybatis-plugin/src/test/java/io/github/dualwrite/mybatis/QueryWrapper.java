package io.github.dualwrite.mybatis;

/** Stands for a MyBatis-Plus query wrapper ({@code ew}): the key is at {@code ew.entity.userId}. */
public class QueryWrapper {
    private final Detail entity;

    public QueryWrapper(Detail entity) {
        this.entity = entity;
    }

    public Detail getEntity() {
        return entity;
    }
}
