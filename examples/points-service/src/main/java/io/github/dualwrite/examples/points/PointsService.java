package io.github.dualwrite.examples.points;

import java.time.Clock;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Add, spend, balance and history. Plain {@code @Transactional} MyBatis code: nothing here knows about the
 * migration; the starter's DataSource and the MyBatis interceptor route every statement by {@code userId}.
 */
@Service
public class PointsService {

    private final AccountMapper accounts;
    private final DetailMapper details;
    private final Clock clock;

    public PointsService(AccountMapper accounts, DetailMapper details) {
        this.accounts = accounts;
        this.details = details;
        this.clock = Clock.systemUTC();
    }

    /** Adds points (opening the account on the first add); returns the new balance. */
    @Transactional
    public long add(long userId, long amount, String remark) {
        requirePositive(amount);
        LocalDateTime now = now();
        if (accounts.addBalance(userId, amount, now) == 0) {
            accounts.insert(userId, amount, now);
        }
        details.insert(new Detail(userId, amount, "ADD", remark, now));
        return accounts.findByUser(userId).balance();
    }

    /** Spends points; refused (and rolled back) when the balance is too low. Returns the new balance. */
    @Transactional
    public long spend(long userId, long amount, String remark) {
        requirePositive(amount);
        LocalDateTime now = now();
        details.insert(new Detail(userId, -amount, "SPEND", remark, now));
        if (accounts.addBalance(userId, -amount, now) == 0) {
            throw new InsufficientPointsException(userId, amount); // the detail row above rolls back too
        }
        return accounts.findByUser(userId).balance();
    }

    /** The balance, 0 for a user without account. */
    @Transactional(readOnly = true)
    public long balance(long userId) {
        Account account = accounts.findByUser(userId);
        return account == null ? 0 : account.balance();
    }

    /** The latest movements, newest first. */
    @Transactional(readOnly = true)
    public List<Detail> history(long userId, int limit) {
        return details.history(userId, Math.max(1, Math.min(limit, 500)));
    }

    private LocalDateTime now() {
        return LocalDateTime.now(clock).truncatedTo(ChronoUnit.MILLIS);
    }

    private static void requirePositive(long amount) {
        if (amount <= 0) {
            throw new IllegalArgumentException("amount must be positive but was " + amount);
        }
    }
}
