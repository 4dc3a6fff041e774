package dev.cvd.kafka;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The thread a stage processes its polled batches on, in order. */
public final class StageThread {

    private StageThread() {}

    /** A single daemon thread with the given name. */
    public static ExecutorService named(String name) {
        return Executors.newSingleThreadExecutor(
                r -> {
                    Thread t = new Thread(r, name);
                    t.setDaemon(true);
                    return t;
                });
    }
}
