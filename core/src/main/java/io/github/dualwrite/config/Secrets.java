package io.github.dualwrite.config;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks credentials in text meant for people: log lines, exception messages, command-line output, config
 * shown for display. Every place in dualwrite that prints a JDBC URL or a message that may hold one passes it
 * through {@link #mask(String)}; applications that print dualwrite's messages themselves can do the same.
 *
 * <p>What is masked: the password of {@code scheme://user:password@host}, Oracle's {@code user/password@host},
 * and the value of every setting whose name holds {@code password}, {@code passwd}, {@code pwd},
 * {@code secret}, {@code token} or {@code credential} written as {@code name=value} (URL query and H2/SQL Server
 * style {@code ;name=value}) or {@code name: value}; and every value {@link #remember remembered} as a secret
 * wherever it appears (a driver that cannot parse a URL may echo a piece of it that no pattern recognizes).
 * Passwords of the documents dualwrite reads are remembered when they are read. The mask is {@value #MASK}.
 */
public final class Secrets {

    /** What a secret is replaced with. */
    public static final String MASK = "****";

    private static final Pattern USER_INFO = Pattern.compile("(//[^/\\s:@?#]*:)[^@\\s/]*@");
    private static final Pattern ORACLE_THIN = Pattern.compile("(?i)(:thin:[^/@\\s:]*/)[^@\\s]*@");
    private static final Pattern SETTING = Pattern.compile(
            "(?i)([\\w.-]*(?:password|passwd|pwd|secret|token|credential)[\\w.-]*"
                    // name=value, name: value (YAML: a space after the colon), "name":value (JSON); not File.java:12
                    + "(?:\\s*=\\s*|\\s*:\\s+|[\"']\\s*:\\s*))"
                    + "(\"[^\"]*\"|'[^']*'|[^\\s&;,)}\\]\"']*)");

    /** Values shorter than this are not remembered: masking them would garble ordinary text. */
    static final int MIN_REMEMBERED = 4;
    /** Remembered values kept at most (a process has a few credentials, not thousands). */
    static final int MAX_REMEMBERED = 256;
    private static final Set<String> REMEMBERED = ConcurrentHashMap.newKeySet();

    private Secrets() {
    }

    /**
     * Masks {@code secret} wherever it appears in text passed through {@link #mask} from now on, in this JVM.
     * Values shorter than {@value #MIN_REMEMBERED} characters and values past the first
     * {@value #MAX_REMEMBERED} are ignored.
     */
    public static void remember(String secret) {
        if (secret != null && secret.length() >= MIN_REMEMBERED && REMEMBERED.size() < MAX_REMEMBERED) {
            REMEMBERED.add(secret);
        }
    }

    /** {@link #remember Remembers} every credential written inside {@code url} (user info and settings). */
    public static void rememberIn(String url) {
        if (url == null) {
            return;
        }
        Matcher user = USER_INFO.matcher(url);
        while (user.find()) {
            String info = user.group(0);
            remember(info.substring(user.group(1).length(), info.length() - 1));
        }
        Matcher setting = SETTING.matcher(url);
        while (setting.find()) {
            remember(setting.group(2).replaceAll("^[\"']|[\"']$", ""));
        }
    }

    /**
     * {@code text} with every credential it holds replaced by {@value #MASK}; null stays null. Cheap enough for
     * log lines and error paths (three regular-expression passes).
     */
    public static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = USER_INFO.matcher(text).replaceAll("$1" + MASK + "@");
        out = ORACLE_THIN.matcher(out).replaceAll("$1" + MASK + "@");
        Matcher m = SETTING.matcher(out);
        StringBuilder sb = new StringBuilder(out.length());
        while (m.find()) {
            String value = m.group(2);
            // an empty value has nothing to hide and stays visible: "password: ''" tells that none is set
            boolean empty = value.isEmpty() || value.equals("''") || value.equals("\"\"");
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + (empty ? value : MASK)));
        }
        m.appendTail(sb);
        out = sb.toString();
        for (String secret : REMEMBERED) {
            if (out.contains(secret)) {
                out = out.replace(secret, MASK);
            }
        }
        return out;
    }

    /** {@value #MASK} for a set password, {@code ""} for none: whether one is set, never what it is. */
    public static String maskValue(String secret) {
        return secret == null || secret.isEmpty() ? "" : MASK;
    }

    /** {@link #mask} of the message of {@code error}; for one-line error output. */
    public static String message(Throwable error) {
        if (error == null) {
            return "null";
        }
        return mask(String.valueOf(error.getMessage()));
    }
}
