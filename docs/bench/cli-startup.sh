#!/usr/bin/env bash
# Start-up time of the dualwrite CLI on the small case: a 1,000-row table on MariaDB (old) and a
# ShardingSphere database of 2 MariaDB databases x 4 tables (new). Usage:
#   docs/bench/cli-startup.sh [path/to/dualwrite-cli.jar] [runs]
# A path not ending in .jar is run as a launcher (core/src/main/cli/dualwrite, with DUALWRITE_JAR set).
# Needs MariaDB on 127.0.0.1:3306 (root, empty password) and the mysql client. Drops its databases at the end.
set -euo pipefail
# Several jars (e.g. before and after a change) are measured alternately, so that load from other work on
# the machine hits them alike:  docs/bench/cli-startup.sh old.jar new.jar 5
RUNS=5
JARS=()
for a in "$@"; do if [[ "$a" =~ ^[0-9]+$ ]]; then RUNS=$a; else JARS+=("$a"); fi; done
[ ${#JARS[@]} -gt 0 ] || JARS=(core/target/dualwrite-cli.jar)
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"; mysql -uroot -e "DROP DATABASE IF EXISTS dwbench_old; DROP DATABASE IF EXISTS dwbench_ds0; DROP DATABASE IF EXISTS dwbench_ds1"' EXIT
mysql -uroot -e "DROP DATABASE IF EXISTS dwbench_old; DROP DATABASE IF EXISTS dwbench_ds0; DROP DATABASE IF EXISTS dwbench_ds1;
  CREATE DATABASE dwbench_old; CREATE DATABASE dwbench_ds0; CREATE DATABASE dwbench_ds1;"
mysql -uroot dwbench_old -e "CREATE TABLE points_detail (id BIGINT AUTO_INCREMENT PRIMARY KEY, user_id BIGINT NOT NULL,
  amount BIGINT, gmt_modified TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), KEY (user_id));
  INSERT INTO points_detail (user_id, amount) SELECT seq % 97, seq FROM seq_1_to_1000;"
for db in dwbench_ds0 dwbench_ds1; do
  for t in 0 1 2 3; do
    mysql -uroot $db -e "CREATE TABLE points_detail_$t (id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL, amount BIGINT,
      gmt_modified TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), KEY (user_id))"
  done
done
cat > "$DIR/new-database.yaml" <<'YAML'
databaseName: dwbench
mode: { type: Standalone, repository: { type: JDBC, props: { provider: H2, jdbc_url: "jdbc:h2:mem:dwbench;DB_CLOSE_DELAY=0;MODE=MYSQL" } } }
dataSources:
  ds_0: { dataSourceClassName: com.zaxxer.hikari.HikariDataSource, jdbcUrl: "jdbc:mariadb://127.0.0.1:3306/dwbench_ds0", username: root, password: "" }
  ds_1: { dataSourceClassName: com.zaxxer.hikari.HikariDataSource, jdbcUrl: "jdbc:mariadb://127.0.0.1:3306/dwbench_ds1", username: root, password: "" }
rules:
- !SHARDING
  tables:
    points_detail:
      actualDataNodes: ds_${0..1}.points_detail_${0..3}
      databaseStrategy: { standard: { shardingColumn: user_id, shardingAlgorithmName: db_by_user } }
      tableStrategy: { standard: { shardingColumn: user_id, shardingAlgorithmName: t_by_user } }
  shardingAlgorithms:
    db_by_user: { type: INLINE, props: { algorithm-expression: "ds_${user_id % 2}" } }
    t_by_user: { type: INLINE, props: { algorithm-expression: "points_detail_${user_id.intdiv(2) % 4}" } }
YAML
cat > "$DIR/dualwrite.yaml" <<'YAML'
units:
  points:
    routing-column: user_id
    tables:
      points_detail: { version-column: gmt_modified }
    stage: DUAL_WRITE
datasources:
  old: { url: "jdbc:mariadb://127.0.0.1:3306/dwbench_old", username: root, password: "" }
  new: { sharding-yaml: new-database.yaml }
YAML
run_cli() { # a jar is run with java -jar, anything else (the launcher core/src/main/cli/dualwrite) directly
  local jar=$1; shift
  if [[ "$jar" == *.jar ]]; then java -jar "$jar" "$@"; else DUALWRITE_CDS_DIR="$DIR/cds" "$jar" "$@"; fi
}
t() { # prints wall seconds of one command: t JAR ARGS...
  local jar=$1 s e; shift; s=$(date +%s.%N)
  run_cli "$jar" "$@" --config "$DIR/dualwrite.yaml" >"$DIR/out" 2>"$DIR/err" || [ $? -eq 1 ] || cat "$DIR/err" >&2
  e=$(date +%s.%N); echo "$e - $s" | bc
}
for jar in "${JARS[@]}"; do   # the first backfill copies (verify then finds 0 differences); the launcher makes its archive
  run_cli "$jar" backfill --config "$DIR/dualwrite.yaml" >/dev/null 2>&1 || true
done
for cmd in ${COMMANDS:-"status" "explain --key 42" "verify --recheck-delay PT0S"}; do
  for jar in "${JARS[@]}"; do
    printf '%-28s %-40s' "$cmd" "$(basename "$jar")"
    for i in $(seq "$RUNS"); do printf ' %.2f' "$(t "$jar" $cmd)"; done
    echo " s"
  done
done
