package io.github.dualwrite.walk;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the callers of the stage walk were told succeeded: per user the balance their acknowledged
 * transactions imply and the detail rows they acknowledged (id and amount). Updated only after a commit
 * returned, so it never holds a write the database could have refused; compared with the authority at the end.
 */
final class Ledger {

    /** One user's acknowledged state. */
    static final class Account {
        final AtomicLong balance = new AtomicLong();
        final Map<Long, Long> details = new ConcurrentHashMap<>();
    }

    private final Map<Long, Account> accounts = new ConcurrentHashMap<>();
    private final AtomicLong acknowledged = new AtomicLong();

    Account account(long user) {
        return accounts.computeIfAbsent(user, u -> new Account());
    }

    /** A committed insert of a detail row (and the balance change in the same transaction). */
    void inserted(long user, long id, long amount) {
        Account a = account(user);
        a.details.put(id, amount);
        a.balance.addAndGet(amount);
        acknowledged.incrementAndGet();
    }

    /** A committed delete of a detail row (and the balance change in the same transaction). */
    void deleted(long user, long id, long amount) {
        Account a = account(user);
        a.details.remove(id);
        a.balance.addAndGet(-amount);
        acknowledged.incrementAndGet();
    }

    /** A committed account creation. */
    void created(long user) {
        account(user);
        acknowledged.incrementAndGet();
    }

    /** One of the user's acknowledged detail ids, or null. */
    Long anyDetail(long user) {
        List<Long> ids = new ArrayList<>(account(user).details.keySet());
        return ids.isEmpty() ? null : ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
    }

    Map<Long, Account> accounts() {
        return accounts;
    }

    long acknowledged() {
        return acknowledged.get();
    }
}
