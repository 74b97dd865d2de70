#!/usr/bin/env bash
# Builds the benchmarks and runs the suite; prints a summary with one line per figure.
#   examples/benchmarks/run.sh           full run
#   examples/benchmarks/run.sh --quick   short run (a few minutes), same figures with wider error, 200k rows
#   examples/benchmarks/run.sh --no-mariadb   without the MariaDB half
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
./mvnw -B -q -pl examples/benchmarks -am -DskipTests package
jar=examples/benchmarks/target/benchmarks.jar
java -cp "$jar" io.github.dualwrite.benchmarks.Suite "$@"
# verify and backfill rates: one timed run each (JMH iterations add nothing to a run of tens of seconds)
rows=1000000
case " $* " in *" --quick "*) rows=200000 ;; esac
mariadb_flag=""
case " $* " in *" --no-mariadb "*) mariadb_flag="--no-mariadb" ;; esac
java -Xmx3g -cp "$jar" io.github.dualwrite.benchmarks.SyncRates --rows "$rows" $mariadb_flag
# what an ASYNC dual write costs its caller (timed per call, the lanes running between calls)
java -cp "$jar" io.github.dualwrite.benchmarks.AsyncRates $mariadb_flag
# the stage ramp on MariaDB: NEW_PRIMARY vs READ_NEW throughput, and how fast a repairer drains an outage
if [ -z "$mariadb_flag" ]; then
  quick_flag=""
  case " $* " in *" --quick "*) quick_flag="--quick" ;; esac
  java -cp "$jar" io.github.dualwrite.benchmarks.StageRates $quick_flag
fi
