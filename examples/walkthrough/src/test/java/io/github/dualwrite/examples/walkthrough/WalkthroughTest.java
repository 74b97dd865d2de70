package io.github.dualwrite.examples.walkthrough;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Keeps the README's first command honest: the walkthrough runs and every step does what it says. */
class WalkthroughTest {

    @Test
    void theWalkthroughRunsEveryStep() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new Walkthrough(new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out)
                .contains("ACCEPTED v1 from startup")
                .contains("key 10001 is whitelisted, so gray -> DUAL_WRITE")
                .contains("key 42 is blacklisted, so not gray -> base stage OLD_ONLY")
                .contains("REJECTED, v5 stays in force:")
                .contains("OLD_ONLY -> READ_NEW skips DUAL_WRITE")
                .contains("units.points.gray.ratio: 10001 is out of range 0..10000")
                .contains("unit points, key 480 (bucket 480): bucket 480 < ratio 1000 (10.00%), so gray -> READ_NEW")
                .contains("another instance polled the same row")
                .contains("old database: 7 rows; new database: 7 rows, the same ids on both sides (from the sequence): true")
                .contains("journaled: ROW_COUNT_MISMATCH for user 120 on points_account, NEW side behind: affected rows: OLD 1, NEW 0")
                .contains("preflight passed")
                .contains("REPAIR claimed=1 repaired=1 failed=0 dead=0 conflicts=0")
                .contains("DRAIN repaired=0 failed=0 dead=0 conflicts=0 pending=0")
                .contains("VERIFY unit=points rows=2007 missing=2000 extra=0 different=0")
                .contains("BACKFILL unit=points scanned=2007 inserted=2000 updated=0 skipped=7")
                .contains("VERIFY unit=points rows=2007 missing=0 extra=0 different=1 rechecked=1, repaired 1:"
                        + " [points_detail DIFFERENT pk=1000 key=1 columns=[amount]]")
                .contains("ACCEPTED v11 NEW_PRIMARY")
                .contains("runs on NEW then OLD - stage NEW_PRIMARY writes NEW then OLD")
                .contains("REJECTED v12 NEW_PRIMARY: [units.points: NEW_ONLY -> NEW_PRIMARY leaves NEW_ONLY")
                .contains("Walkthrough finished: config v12, 3 documents rejected.");
        // after the repair every verification is clean
        assertThat(out.split("\n")).filteredOn(l -> l.contains("VERIFY unit=points rows=2007 missing=0 extra=0 different=0"))
                .hasSize(2);
    }
}
