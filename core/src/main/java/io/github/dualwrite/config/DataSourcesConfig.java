package io.github.dualwrite.config;

/**
 * Where the two databases are, for the command-line tools (backfill, verify, repair, preflight) that
 * build their own connections; an application passes its DataSources to the library directly and may
 * leave this out.
 *
 * @param old          the old database
 * @param shardingYaml the ShardingSphere-JDBC YAML of the new database (its {@code dataSources} and rules),
 *                     a path relative to the document's own file
 */
public record DataSourcesConfig(DatabaseConfig old, String shardingYaml) {

    /** Checks both parts are there. */
    public DataSourcesConfig {
        Problems p = new Problems();
        p.check(old != null, "old", "is missing; give url, username and password of the old database");
        p.check(shardingYaml != null && !shardingYaml.isBlank(), "new.sharding-yaml",
                "is missing; give the path of the ShardingSphere-JDBC YAML of the new database");
        p.throwIfAny();
    }

    /**
     * One database reached through JDBC.
     *
     * @param url      its JDBC URL
     * @param username user name ({@code ${ENV_VAR}} is replaced from the environment by the tools)
     * @param password password, likewise
     * @param poolSize connections in its pool
     */
    public record DatabaseConfig(String url, String username, String password, int poolSize) {

        /** Checks the URL and the pool size. */
        public DatabaseConfig {
            Problems p = new Problems();
            p.check(url != null && url.startsWith("jdbc:"), "url", (url == null ? "is missing" : "'" + url + "' is not a JDBC URL")
                    + "; write e.g. jdbc:mariadb://127.0.0.1:3306/points");
            p.check(poolSize >= 1 && poolSize <= 200, "pool-size", poolSize + " is out of range 1..200");
            p.throwIfAny();
            username = username == null ? "" : username;
            password = password == null ? "" : password;
        }
    }
}
