package io.github.dualwrite.spring;

import io.github.dualwrite.sync.Repairer;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the repairer and the scheduled verify once the context is up and stops both before the DataSources
 * close (the highest phase stops first), waiting for a repair pass in progress.
 */
final class BackgroundJobs implements SmartLifecycle {

    private final Repairer repairer;
    private final ScheduledVerify verify;
    private volatile boolean running;

    BackgroundJobs(Repairer repairer, ScheduledVerify verify) {
        this.repairer = repairer;
        this.verify = verify;
    }

    @Override
    public synchronized void start() {
        if (repairer != null) {
            repairer.start();
        }
        if (verify != null) {
            verify.start();
        }
        running = true;
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (verify != null) {
            verify.close();
        }
        if (repairer != null) {
            repairer.close();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
