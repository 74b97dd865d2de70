package io.github.dualwrite.examples.points;

import java.time.LocalDateTime;

/** One movement of points (table {@code points_detail}); {@code kind} is ADD or SPEND. */
public class Detail {

    private Long id;
    private long userId;
    private long amount;
    private String kind;
    private String remark;
    private LocalDateTime gmtModified;

    public Detail() {
    }

    public Detail(long userId, long amount, String kind, String remark, LocalDateTime gmtModified) {
        this.userId = userId;
        this.amount = amount;
        this.kind = kind;
        this.remark = remark;
        this.gmtModified = gmtModified;
    }

    public Long getId() {
        return id;
    }

    public void setId(Long id) {
        this.id = id;
    }

    public long getUserId() {
        return userId;
    }

    public void setUserId(long userId) {
        this.userId = userId;
    }

    public long getAmount() {
        return amount;
    }

    public void setAmount(long amount) {
        this.amount = amount;
    }

    public String getKind() {
        return kind;
    }

    public void setKind(String kind) {
        this.kind = kind;
    }

    public String getRemark() {
        return remark;
    }

    public void setRemark(String remark) {
        this.remark = remark;
    }

    public LocalDateTime getGmtModified() {
        return gmtModified;
    }

    public void setGmtModified(LocalDateTime gmtModified) {
        this.gmtModified = gmtModified;
    }
}
