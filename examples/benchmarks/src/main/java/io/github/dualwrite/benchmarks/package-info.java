/** JMH benchmarks of the hot paths; {@code examples/benchmarks/run.sh} runs them and prints a summary. */
package io.github.dualwrite.benchmarks;
