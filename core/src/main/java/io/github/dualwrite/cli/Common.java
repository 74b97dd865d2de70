package io.github.dualwrite.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command that reaches the databases takes: where the document and the databases are. */
final class Common {

    /** Where the live document is read. */
    enum LiveSource {
        /** The row in the config table if there is one, else the {@code --config} file. */
        auto,
        /** The row in the config table (an error when there is none). */
        table,
        /** The {@code --config} file only (applications that watch this file). */
        file
    }

    @Option(names = "--config", paramLabel = "FILE", defaultValue = "${env:DUALWRITE_CONFIG:-dualwrite.yaml}",
            description = "The migration YAML with a datasources section (where both databases are). "
                    + "$DUALWRITE_CONFIG, when set, is the default.")
    Path config;

    @Option(names = "--live", paramLabel = "auto|table|file", defaultValue = "auto",
            description = "Where the live document (stages, gray ratios) is read: auto = the shared row in the config"
                    + " table on the old database if it exists, else the --config file; table = that row only;"
                    + " file = the --config file only.")
    LiveSource live;

    @Option(names = "--config-table", paramLabel = "TABLE", defaultValue = "dualwrite_config",
            description = "The table on the old database the applications' JdbcConfigSource reads.")
    String configTable;

    @Option(names = "--config-name", paramLabel = "NAME", defaultValue = "default",
            description = "The row's name in that table.")
    String configName;

    @Option(names = "--trace", description = "Print the stack trace of an error (for a bug report).")
    boolean trace;
}
