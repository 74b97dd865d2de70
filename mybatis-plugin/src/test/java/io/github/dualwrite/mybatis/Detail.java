package io.github.dualwrite.mybatis;

/** A points_detail row. */
public class Detail {
    private Long id;
    private Long userId;
    private long amount;
    private String note;

    public Detail() {
    }

    public Detail(Long id, Long userId, long amount, String note) {
        this.id = id;
        this.userId = userId;
        this.amount = amount;
        this.note = note;
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

    public long getAmount() {
        return amount;
    }

    public void setAmount(long amount) {
        this.amount = amount;
    }

    public String getNote() {
        return note;
    }

    public void setNote(String note) {
        this.note = note;
    }
}
