package io.github.dualwrite.mybatis;

/** A points_memo row: {@code memo} on the old side, {@code remark} on the new side. */
public class Memo {
    private Long id;
    private Long userId;
    private String memo;

    public Memo() {
    }

    public Memo(Long id, Long userId, String memo) {
        this.id = id;
        this.userId = userId;
        this.memo = memo;
    }

    public Long getId() {
        return id;
    }

    public void setId(Long id) {
        this.id = id;
    }

    public Long getUserId() {
        return userId;
    }

    public void setUserId(Long userId) {
        this.userId = userId;
    }

    public String getMemo() {
        return memo;
    }

    public void setMemo(String memo) {
        this.memo = memo;
    }

    @Override
    public String toString() {
        return id + "/" + userId + "/" + memo;
    }
}
