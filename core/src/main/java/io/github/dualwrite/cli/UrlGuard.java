package io.github.dualwrite.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Refuses JDBC URLs that run code when a connection opens. The command line bundles H2 because
 * ShardingSphere-JDBC 5.5.2 keeps its standalone metadata in an embedded H2 database (without H2 every
 * {@code status} fails with "Failed to load driver class org.h2.Driver", and its only other embedded provider
 * needs MySQL Connector/J). An H2 URL can run SQL on connect ({@code INIT=RUNSCRIPT FROM ...}, {@code CREATE
 * ALIAS} runs Java), so every URL the tools open from the documents is checked first.
 */
final class UrlGuard {

    private static final Pattern H2_URL = Pattern.compile("jdbc:h2:[^\\s'\"]*", Pattern.CASE_INSENSITIVE);

    private UrlGuard() {
    }

    /**
     * Throws when {@code text} (a JDBC URL or a whole YAML document) holds an H2 URL with a setting that runs
     * SQL or code on connect.
     *
     * @param where the file or setting, for the message
     */
    static void check(String text, String where) {
        if (text == null) {
            return;
        }
        Matcher m = H2_URL.matcher(text);
        while (m.find()) {
            String url = m.group().toUpperCase(Locale.ROOT);
            for (String risky : new String[] {";INIT=", "RUNSCRIPT", "CREATE ALIAS", "CREATE TRIGGER", "JAVA_OBJECT_SERIALIZER"}) {
                if (url.contains(risky)) {
                    throw new IllegalArgumentException(where + " holds an H2 URL with " + risky.replace(";", "").trim()
                            + ", which runs SQL or code when the tools connect; the tools refuse it. Remove the setting"
                            + " (see docs/security.md, trust boundaries)");
                }
            }
        }
    }
}
