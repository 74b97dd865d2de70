#!/usr/bin/env bash
# Builds the benchmarks and runs the suite; prints a summary with one line per figure.
#   examples/benchmarks/run.sh           full run
#   examples/benchmarks/run.sh --quick   short run (a few minutes), same figures with wider error
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
./mvnw -B -q -pl examples/benchmarks -am -DskipTests package
exec java -cp examples/benchmarks/target/benchmarks.jar io.github.dualwrite.benchmarks.Suite "$@"
