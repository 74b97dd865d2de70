package io.github.dualwrite.examples.points;

import java.time.LocalDateTime;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;

/** {@code points_account}; statements in {@code mapper/AccountMapper.xml}, routed by the userId parameter. */
@Mapper
public interface AccountMapper {

    Account findByUser(@Param("userId") long userId);

    int insert(@Param("userId") long userId, @Param("balance") long balance, @Param("now") LocalDateTime now);

    /** Adds {@code delta} (negative to spend) unless the balance would go below zero; the updated row count. */
    int addBalance(@Param("userId") long userId, @Param("delta") long delta, @Param("now") LocalDateTime now);
}
