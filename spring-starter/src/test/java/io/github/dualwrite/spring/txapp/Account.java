package io.github.dualwrite.spring.txapp;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A points account mapped by JPA; the id is given by the application (id-source APPLICATION). */
@Entity
@Table(name = "points_account")
public class Account {

    @Id
    private Long id;

    /** The routing key never changes, so Hibernate leaves it out of UPDATEs. */
    @Column(name = "user_id", updatable = false, nullable = false)
    private Long userId;

    @Column(nullable = false)
    private Long balance;

    protected Account() {
    }

    public Account(Long id, Long userId, Long balance) {
        this.id = id;
        this.userId = userId;
        this.balance = balance;
    }

    public Long getId() {
        return id;
    }

    public Long getUserId() {
        return userId;
    }

    public Long getBalance() {
        return balance;
    }

    public void setBalance(Long balance) {
        this.balance = balance;
    }
}
