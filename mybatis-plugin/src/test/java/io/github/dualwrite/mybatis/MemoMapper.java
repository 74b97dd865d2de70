package io.github.dualwrite.mybatis;

import java.util.List;
import org.apache.ibatis.annotations.Param;

/**
 * An XML mapper (MemoMapper.xml) for points_memo, whose column {@code memo} is {@code remark} on the new
 * side: every statement has a {@code __new} counterpart for the new schema.
 */
public interface MemoMapper {

    int insertMemo(Memo memo);

    int updateMemo(Memo memo);

    List<Memo> memosOfUser(@Param("userId") long userId);

    String legacyReport(@Param("id") long id);
}
