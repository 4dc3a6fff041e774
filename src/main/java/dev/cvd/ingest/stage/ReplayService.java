package dev.cvd.ingest.stage;

import dev.cvd.ingest.FieldMapping;
import dev.cvd.ingest.Passes;
import dev.cvd.ingest.RecordingReader;
import dev.cvd.ingest.RejectTally;
import dev.cvd.ingest.Replay;
import dev.cvd.market.MarketEvent;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The replay source of the ingest stage: plays recordings onto {@code ticks.raw} (key = product) on
 * its own thread, and lines it cannot decode onto {@code ticks.dlq} with their reason.
 *
 * <p>Publishing goes through {@link RawPublisher} (bounded, acknowledged). On shutdown the replay
 * stops first and waits for its in-flight records, so nothing it handed to Kafka is lost.
 */
@ApplicationScoped
public class ReplayService {

    /** Life of the replay source, for health. */
    public enum State {
        IDLE,
        RUNNING,
        FINISHED,
        STOPPED,
        FAILED
    }

    private static final Logger LOG = Logger.getLogger(ReplayService.class);

    private final RawPublisher publisher;

    private volatile State state = State.IDLE;
    private volatile String failure;
    private volatile Replay current;
    private volatile Thread thread;
    private volatile String source = "";

    public ReplayService(RawPublisher publisher) {
        this.publisher = publisher;
    }

    /**
     * Starts replaying on a new thread.
     *
     * @throws IllegalStateException if a replay is already running
     */
    public synchronized void start(List<Path> files, double speed, boolean loop) {
        if (state == State.RUNNING) {
            throw new IllegalStateException("a replay is already running");
        }
        state = State.RUNNING;
        failure = null;
        Thread t = new Thread(() -> runAll(files, speed, loop), "cvd-replay");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    public State state() {
        return state;
    }

    /** Why the replay failed, or null. */
    public String failure() {
        return failure;
    }

    /** Events published and acknowledged so far. */
    public long published() {
        return publisher.published();
    }

    private void runAll(List<Path> files, double speed, boolean loop) {
        Passes passes = new Passes();
        RecordingReader reader = new RecordingReader(FieldMapping.DEFAULT);
        try {
            do {
                Replay replay =
                        new Replay(
                                speed,
                                new Replay.Sink() {
                                    @Override
                                    public void event(MarketEvent event)
                                            throws InterruptedException {
                                        publisher.publish(passes.shift(event));
                                    }

                                    @Override
                                    public void rejected(String reason, String line)
                                            throws InterruptedException {
                                        publisher.reject(reason, line, source);
                                    }
                                });
                current = replay;
                RejectTally tally = new RejectTally(replay);
                for (Path file : files) {
                    source = file.getFileName().toString();
                    LOG.infof("replaying %s at speed %s", file, speed);
                    try {
                        reader.read(file, tally);
                    } catch (IOException e) {
                        // A damaged file (a truncated gzip) keeps the lines before the damage,
                        // as cvd replay and cvd features do; the next file follows.
                        LOG.warnf("%s is damaged, replayed up to the damage: %s", file, e);
                    }
                }
                LOG.infof("replay pass done: %s", tally);
                if (!passes.next()) {
                    break; // nothing with a time: looping would spin
                }
            } while (loop && !Thread.currentThread().isInterrupted());
            state = State.FINISHED;
        } catch (Replay.Stopped e) {
            state = State.STOPPED;
        } catch (Exception e) {
            failure = e.getClass().getSimpleName() + ": " + e.getMessage();
            state = State.FAILED;
            LOG.errorf("replay failed: %s", failure);
        }
    }

    /** Stops the replay, then waits for its in-flight events (before the connectors close). */
    void onShutdown(
            @Observes(notifyObserver = Reception.IF_EXISTS) @Priority(1) ShutdownEvent event) {
        Replay r = current;
        if (r != null) {
            r.stop();
        }
        Thread t = thread;
        if (t != null) {
            // Interrupting also stops a pass that had not yet made its Replay current.
            t.interrupt();
            try {
                t.join(5_000);
                publisher.drain(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
