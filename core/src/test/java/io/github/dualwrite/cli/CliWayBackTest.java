package io.github.dualwrite.cli;

import io.github.dualwrite.testing.DbPair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Parts, reverse sync and pool sizes on H2: the parts run in threads of this JVM (H2 is in memory). */
class CliWayBackTest extends CliWayBackContract {

    @Override
    DbPair newPair() {
        return DbPair.h2("cliwayback");
    }

    @Override
    List<Run> runAtOnce(List<List<String>> commands) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(commands.size());
        try {
            List<Future<Run>> futures = new ArrayList<>();
            for (List<String> c : commands) {
                futures.add(pool.submit(() -> run(c.toArray(String[]::new))));
            }
            List<Run> runs = new ArrayList<>();
            for (Future<Run> f : futures) {
                runs.add(f.get(2, TimeUnit.MINUTES));
            }
            return runs;
        } finally {
            pool.shutdownNow();
        }
    }
}
