package io.github.dualwrite.mybatis;

import io.github.dualwrite.StatementControl;
import java.util.List;
import java.util.Map;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

/**
 * An annotated mapper. Its statements name rows by id only (no user_id in the SQL), so the routing key can
 * only come from the plugin.
 */
public interface DetailMapper {

    String NOTE = "SELECT note FROM points_detail WHERE id = #{id}";

    @Select(NOTE)
    String noteByAnnotatedKey(@RoutingKey @Param("uid") long uid, @Param("id") long id);

    @Select(NOTE)
    String noteOf(Detail detail);

    @Select(NOTE)
    String noteByMap(Map<String, Object> params);

    @Select(NOTE)
    String noteByParams(@Param("userId") long userId, @Param("id") long id);

    @Select("SELECT note FROM points_detail WHERE id = #{t.detailId}")
    String noteOfTransfer(@Param("t") Transfer transfer);

    @Select("SELECT note FROM points_detail WHERE id = #{ew.entity.id}")
    String selectOne(@Param("ew") QueryWrapper wrapper);

    @Update("UPDATE points_detail SET note = #{et.note} WHERE id = #{et.id}")
    int updateById(@Param("et") Detail entity);

    @Update("<script>UPDATE points_detail SET note = #{note} WHERE id IN "
            + "<foreach collection='details' item='d' open='(' separator=',' close=')'>#{d.id}</foreach></script>")
    int renameAll(@Param("details") List<Detail> details, @Param("note") String note);

    @Update("UPDATE points_detail SET note = #{note} WHERE id = #{id}")
    int renameById(@RoutingKey("userId") Detail detail);

    @Insert("<script>INSERT INTO points_detail (id, user_id, amount, note) VALUES "
            + "<foreach collection='list' item='d' separator=','>(#{d.id}, #{d.userId}, #{d.amount}, #{d.note})</foreach></script>")
    int insertAll(@Param("list") List<Detail> details);

    @Insert("INSERT INTO points_detail (id, user_id, amount, note) VALUES (#{id}, #{userId}, #{amount}, #{note})")
    int insert(Detail detail);

    /** A foreach insert that leaves ids to the database (the library's id source) and reads them back. */
    @Insert("<script>INSERT INTO points_detail (user_id, amount, note, gmt_modified) VALUES <foreach collection='list'"
            + " item='d' separator=','>(#{d.userId}, #{d.amount}, #{d.note}, CURRENT_TIMESTAMP(3))</foreach></script>")
    @Options(useGeneratedKeys = true, keyProperty = "id")
    int insertAllWithoutIds(List<Detail> details);

    @DualWriteControl(StatementControl.AUTHORITATIVE_READ)
    @Select(NOTE)
    String noteFromAuthority(@RoutingKey @Param("uid") long uid, @Param("id") long id);

    @DualWriteControl(StatementControl.OLD_ONLY)
    @Select("SELECT COUNT(*) FROM points_detail")
    long countOnOldSide();

    @Select("SELECT note FROM points_detail WHERE user_id = #{userId} ORDER BY id")
    List<String> notesOfUser(@Param("userId") long userId);
}
