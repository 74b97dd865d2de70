package io.github.dualwrite;

import java.util.concurrent.atomic.LongAdder;

/** Counters of the engine; cheap to update from many threads. */
final class EngineStats {

    final LongAdder readsOld = new LongAdder();
    final LongAdder readsNew = new LongAdder();
    final LongAdder writes = new LongAdder();
    final LongAdder secondaryWrites = new LongAdder();
    final LongAdder secondaryFailures = new LongAdder();
    final LongAdder rowCountMismatches = new LongAdder();
    final LongAdder breakerRejections = new LongAdder();
    final LongAdder journaled = new LongAdder();
    final LongAdder unkeyed = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder passThrough = new LongAdder();
    final LongAdder secondaryTimeouts = new LongAdder();
    final LongAdder shadowReads = new LongAdder();
    final LongAdder shadowMismatches = new LongAdder();
    final LongAdder shadowSkipped = new LongAdder();
    final LongAdder asyncDropped = new LongAdder();
}
