package io.github.dualwrite.cli;

import io.github.dualwrite.sync.Progress;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * Progress on the console: a bar redrawn in place on a terminal, a plain line every few seconds otherwise
 * (logs, CI).
 */
final class ConsoleProgress implements Progress {

    private static final int WIDTH = 30;

    private final PrintWriter out;
    private final boolean terminal;
    private final long plainEveryNanos;
    private long lastPlain;
    private boolean drawn;

    ConsoleProgress(PrintWriter out, boolean terminal, Duration plainEvery) {
        this.out = out;
        this.terminal = terminal;
        this.plainEveryNanos = plainEvery.toNanos();
    }

    @Override
    public void update(String job, long done, long total, double rowsPerSecond, Duration eta) {
        String text = String.format(Locale.ROOT, "%s %,d%s rows, %,.0f rows/s%s", job, done,
                total > 0 ? "/" + String.format(Locale.ROOT, "%,d", total) : "", rowsPerSecond,
                eta == null ? "" : ", ETA " + format(eta));
        if (terminal) {
            int filled = total > 0 ? (int) Math.min(WIDTH, done * WIDTH / total) : 0;
            out.print("\r[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + text + "   ");
            out.flush();
            drawn = true;
            return;
        }
        long now = System.nanoTime();
        if (lastPlain == 0 || now - lastPlain >= plainEveryNanos) {
            lastPlain = now;
            out.println(text);
            out.flush();
        }
    }

    /** Ends the bar's line, so that what follows starts on a fresh one. */
    void finish() {
        if (drawn) {
            out.println();
            drawn = false;
        }
    }

    static String format(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
