package io.github.dualwrite.examples.points;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ResponseStatus;

/** A spend larger than the balance; the transaction rolls back on both sides. */
@ResponseStatus(HttpStatus.CONFLICT)
public class InsufficientPointsException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InsufficientPointsException(long userId, long amount) {
        super("user " + userId + " has fewer than " + amount + " points");
    }
}
