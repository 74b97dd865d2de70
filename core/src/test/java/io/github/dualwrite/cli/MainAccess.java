package io.github.dualwrite.cli;

/** Builds the root command for tests that inspect the command model. */
final class MainAccess {

    private MainAccess() {
    }

    static Object main() {
        try {
            var c = Main.class.getDeclaredConstructor();
            c.setAccessible(true);
            return c.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
