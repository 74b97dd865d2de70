package io.github.dualwrite.examples.points;

import java.util.List;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;

/** {@code points_detail}; statements in {@code mapper/DetailMapper.xml}, routed by userId. */
@Mapper
public interface DetailMapper {

    int insert(Detail detail);

    List<Detail> history(@Param("userId") long userId, @Param("limit") int limit);
}
