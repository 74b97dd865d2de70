package io.github.dualwrite.testing;

import io.github.dualwrite.config.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * The lifecycle test classes over a {@link Stack} share: one stack (and database pair) per class, emptied
 * and moved to DUAL_WRITE before each test. A subclass says which databases ({@link #newPair()}: H2 for a
 * {@code *Test}, MariaDB for an {@code *IT}); its own {@code @BeforeAll}/{@code @BeforeEach} run after these.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class StackContract {

    /** The databases, checked directly by tests. */
    protected DbPair pair;
    /** The dual-write stack over {@link #pair}. */
    protected Stack stack;

    /** The databases of this test class. */
    protected abstract DbPair newPair();

    @BeforeAll
    final void openStack() {
        stack = Stack.over(newPair());
        pair = stack.pair();
    }

    @AfterAll
    final void closeStack() {
        stack.close();
    }

    @BeforeEach
    final void resetStack() {
        stack.reset();
        stack.stage(Stage.DUAL_WRITE);
    }
}
