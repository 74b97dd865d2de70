package io.github.dualwrite.cli;

import io.github.dualwrite.testing.DbPair;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Parts, reverse sync and pool sizes on MariaDB: the parts run in separate JVM processes. */
class CliWayBackIT extends CliWayBackContract {

    @Override
    DbPair newPair() {
        return DbPair.mariaDb("cliwayback");
    }

    @Override
    List<Run> runAtOnce(List<List<String>> commands) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> processes = new ArrayList<>();
        List<Path[]> outputs = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            List<String> args = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                    Main.class.getName()));
            args.addAll(commands.get(i));
            args.addAll(List.of("--config", config.toString()));
            Path out = Files.createTempFile(dir, "out", ".txt");
            Path err = Files.createTempFile(dir, "err", ".txt");
            outputs.add(new Path[] {out, err});
            processes.add(new ProcessBuilder(args).redirectOutput(out.toFile()).redirectError(err.toFile()).start());
        }
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < processes.size(); i++) {
            Process p = processes.get(i);
            if (!p.waitFor(3, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("part " + commands.get(i) + " did not finish in 3 minutes");
            }
            runs.add(new Run(p.exitValue(), Files.readString(outputs.get(i)[0], StandardCharsets.UTF_8),
                    Files.readString(outputs.get(i)[1], StandardCharsets.UTF_8)));
        }
        return runs;
    }
}
