package io.github.dualwrite.spring.txapp;

import org.springframework.data.jpa.repository.JpaRepository;

/** Spring Data JPA over the dual-write DataSource. */
public interface AccountRepository extends JpaRepository<Account, Long> {
}
