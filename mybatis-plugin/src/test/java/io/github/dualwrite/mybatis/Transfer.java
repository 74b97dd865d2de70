package io.github.dualwrite.mybatis;

/** A parameter whose routing key sits one level down, at {@code account.userId}. */
public class Transfer {

    /** The account side of a transfer. */
    public static class Account {
        private final Long userId;

        public Account(Long userId) {
            this.userId = userId;
        }

        public Long getUserId() {
            return userId;
        }
    }

    private final Account account;
    private final long detailId;

    public Transfer(Account account, long detailId) {
        this.account = account;
        this.detailId = detailId;
    }

    public Account getAccount() {
        return account;
    }

    public long getDetailId() {
        return detailId;
    }
}
