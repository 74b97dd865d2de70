package io.github.dualwrite.spring.txapp;

import io.github.dualwrite.DualWrite;
import io.github.dualwrite.RoutingScope;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** One transaction over JdbcTemplate, a MyBatis mapper and a JPA repository. */
@Service
public class PointsTx {

    private final JdbcTemplate jdbc;
    private final DetailMapper details;
    private final AccountRepository accounts;

    public PointsTx(JdbcTemplate jdbc, DetailMapper details, AccountRepository accounts) {
        this.jdbc = jdbc;
        this.details = details;
        this.accounts = accounts;
    }

    /** Opens an account with two detail rows (one by JdbcTemplate, one by MyBatis); fails after all writes if asked. */
    @Transactional
    public void open(long id, long userId, long amount, boolean fail) {
        try (RoutingScope scope = DualWrite.routeBy(userId)) {
            jdbc.update("INSERT INTO points_detail (id, user_id, amount, note) VALUES (?, ?, ?, 'jdbc')", id, userId, amount);
            details.insert(id + 1, userId, amount);
            accounts.saveAndFlush(new Account(id, userId, 2 * amount));
            if (fail) {
                throw new IllegalStateException("business rule failed after the writes");
            }
        }
    }

    /** Reads the balance with JPA and the detail total with MyBatis. */
    @Transactional(readOnly = true)
    public long[] read(long id, long userId) {
        try (RoutingScope scope = DualWrite.routeBy(userId)) {
            long balance = accounts.findById(id).map(Account::getBalance).orElse(-1L);
            return new long[] {balance, details.total(userId)};
        }
    }

    /** Updates the balance through JPA. */
    @Transactional
    public void setBalance(long id, long userId, long balance, boolean fail) {
        try (RoutingScope scope = DualWrite.routeBy(userId)) {
            Account account = accounts.findById(id).orElseThrow();
            account.setBalance(balance);
            accounts.saveAndFlush(account);
            if (fail) {
                throw new IllegalStateException("business rule failed after the update");
            }
        }
    }

    /** Deletes the account (JPA) and its details (MyBatis). */
    @Transactional
    public void close(long id, long userId) {
        try (RoutingScope scope = DualWrite.routeBy(userId)) {
            accounts.deleteById(id);
            accounts.flush();
            details.deleteAll(userId);
        }
    }
}
