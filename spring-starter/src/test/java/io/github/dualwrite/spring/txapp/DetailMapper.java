package io.github.dualwrite.spring.txapp;

import org.apache.ibatis.annotations.Delete;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;

/** A MyBatis mapper over the dual-write DataSource; the interceptor routes by userId. */
@Mapper
public interface DetailMapper {

    @Insert("INSERT INTO points_detail (id, user_id, amount, note) VALUES (#{id}, #{userId}, #{amount}, 'mybatis')")
    int insert(@Param("id") long id, @Param("userId") long userId, @Param("amount") long amount);

    @Select("SELECT COALESCE(SUM(amount), 0) FROM points_detail WHERE user_id = #{userId}")
    long total(@Param("userId") long userId);

    @Delete("DELETE FROM points_detail WHERE user_id = #{userId}")
    int deleteAll(@Param("userId") long userId);
}
