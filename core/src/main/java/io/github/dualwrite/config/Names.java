package io.github.dualwrite.config;

import java.util.Locale;

/** Rules for table, column and unit names in a document. */
final class Names {

    private static final int MAX_LENGTH = 64;

    private Names() {
    }

    /** Why {@code name} is not a usable SQL identifier, or null if it is. */
    static String whyInvalid(String name) {
        if (name == null || name.isEmpty()) {
            return "is missing; give a table or column name";
        }
        if (name.length() > MAX_LENGTH) {
            return "'" + ConfigLimits.echo(name) + "' is longer than " + MAX_LENGTH + " characters";
        }
        char first = name.charAt(0);
        boolean ok = Character.isLetter(first) || first == '_';
        for (int i = 1; ok && i < name.length(); i++) {
            char c = name.charAt(i);
            ok = Character.isLetterOrDigit(c) || c == '_' || c == '$';
        }
        return ok ? null : "'" + ConfigLimits.echo(name) + "' is not a plain identifier (letters, digits, _ and $, not starting"
                + " with a digit); write it without quotes or schema";
    }

    static void check(Problems problems, String path, String name) {
        String why = whyInvalid(name);
        if (why != null) {
            problems.add(path, why);
        }
    }

    /** Names are matched case-insensitively, as MySQL does on most installations. */
    static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
