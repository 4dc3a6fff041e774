package dev.cvd.ingest.stage;

import dev.cvd.ingest.FieldMapping;
import dev.cvd.ingest.RecordingReader;
import dev.cvd.ingest.RejectTally;
import dev.cvd.ingest.Replay;
import dev.cvd.kafka.Channels;
import dev.cvd.market.BookUpdate;
import dev.cvd.market.EventTime;
import dev.cvd.market.MarketEvent;
import dev.cvd.market.Quote;
import dev.cvd.market.RawEventCodec;
import dev.cvd.market.SegmentBreak;
import dev.cvd.market.Topics;
import dev.cvd.market.Trade;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * The replay source of the ingest stage: plays recordings onto {@code ticks.raw} (key = product) on
 * its own thread, and lines it cannot decode onto {@code ticks.dlq} with their reason.
 *
 * <p>Backpressure: at most {@link IngestSettings#maxInFlight()} events are sent and not yet
 * acknowledged by Kafka; the replay thread waits beyond that, so the emitter's buffer never
 * overflows. On shutdown the replay stops first and waits for its in-flight events, so nothing it
 * handed to Kafka is lost.
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

    /** Buffer of each emitter; never smaller than the in-flight limit, so it cannot overflow. */
    public static final int EMITTER_BUFFER = 8192;

    private static final long LOOP_GAP_MICROS = 61 * EventTime.MICROS_PER_SECOND;

    private final Emitter<String> raw;
    private final Emitter<String> dlq;
    private final MeterRegistry registry;
    private final IngestSettings settings;
    private final Counter eventsIn;
    private final Counter eventsOut;
    private final Semaphore inFlight;

    private volatile State state = State.IDLE;
    private volatile String failure;
    private volatile Replay current;
    private volatile Thread thread;
    private volatile long lastPublishedNanos;
    private volatile String source = "";

    public ReplayService(
            @Channel(Channels.RAW_OUT)
                    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = EMITTER_BUFFER)
                    Emitter<String> raw,
            @Channel(Channels.DLQ_OUT)
                    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = EMITTER_BUFFER)
                    Emitter<String> dlq,
            MeterRegistry registry,
            IngestSettings settings) {
        this.raw = raw;
        this.dlq = dlq;
        this.registry = registry;
        this.settings = settings;
        this.eventsIn = registry.counter("cvd.events.in", "stage", "ingest");
        this.eventsOut = registry.counter("cvd.events.out", "stage", "ingest");
        if (settings.maxInFlight() < 1 || settings.maxInFlight() > EMITTER_BUFFER) {
            // Events and rejected lines share the limit; each emitter buffers EMITTER_BUFFER.
            throw new IllegalArgumentException(
                    "cvd.ingest.max-in-flight must be between 1 and "
                            + EMITTER_BUFFER
                            + ", got "
                            + settings.maxInFlight());
        }
        this.inFlight = new Semaphore(settings.maxInFlight());
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
        return (long) eventsOut.count();
    }

    /** Nanos (System.nanoTime) of the last acknowledged event, 0 if none. */
    public long lastPublishedNanos() {
        return lastPublishedNanos;
    }

    private void runAll(List<Path> files, double speed, boolean loop) {
        long shift = 0;
        RecordingReader reader = new RecordingReader(FieldMapping.DEFAULT);
        try {
            do {
                long[] span = {Long.MAX_VALUE, Long.MIN_VALUE};
                long passShift = shift;
                Replay replay =
                        new Replay(
                                speed,
                                new Replay.Sink() {
                                    @Override
                                    public void event(MarketEvent event)
                                            throws InterruptedException {
                                        long t = event.timeMicros();
                                        if (t != EventTime.UNKNOWN) {
                                            span[0] = Math.min(span[0], t);
                                            span[1] = Math.max(span[1], t);
                                        }
                                        publish(passShift == 0 ? event : shifted(event, passShift));
                                    }

                                    @Override
                                    public void rejected(String reason, String line)
                                            throws InterruptedException {
                                        reject(reason, line, source);
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
                if (span[0] == Long.MAX_VALUE) {
                    break; // nothing with a time: looping would spin
                }
                shift += span[1] - span[0] + LOOP_GAP_MICROS;
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

    private void publish(MarketEvent event) throws InterruptedException {
        eventsIn.increment();
        inFlight.acquire();
        Metadata metadata =
                Metadata.of(
                        OutgoingKafkaRecordMetadata.<String>builder()
                                .withKey(event.productId())
                                .build());
        raw.send(
                Message.of(RawEventCodec.encode(event), metadata)
                        .withAck(
                                () -> {
                                    inFlight.release();
                                    eventsOut.increment();
                                    lastPublishedNanos = System.nanoTime();
                                    return CompletableFuture.completedFuture(null);
                                })
                        .withNack(
                                e -> {
                                    inFlight.release();
                                    registry.counter(
                                                    "cvd.events.failed",
                                                    "stage",
                                                    "ingest",
                                                    "reason",
                                                    "kafka_send")
                                            .increment();
                                    LOG.warnf("publishing to %s failed: %s", Topics.RAW, e);
                                    return CompletableFuture.completedFuture(null);
                                }));
    }

    private void reject(String reason, String line, String source) throws InterruptedException {
        registry.counter("cvd.events.rejected", "stage", "ingest", "reason", reason).increment();
        inFlight.acquire();
        RecordHeaders headers = new RecordHeaders();
        headers.add(Topics.DLQ_REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(Topics.DLQ_SOURCE_HEADER, source.getBytes(StandardCharsets.UTF_8));
        headers.add(Topics.DLQ_STAGE_HEADER, "ingest".getBytes(StandardCharsets.UTF_8));
        Metadata metadata =
                Metadata.of(OutgoingKafkaRecordMetadata.builder().withHeaders(headers).build());
        dlq.send(
                Message.of(line, metadata)
                        .withAck(
                                () -> {
                                    inFlight.release();
                                    return CompletableFuture.completedFuture(null);
                                })
                        .withNack(
                                e -> {
                                    inFlight.release();
                                    LOG.warnf("publishing to %s failed: %s", Topics.DLQ, e);
                                    return CompletableFuture.completedFuture(null);
                                }));
    }

    private static MarketEvent shifted(MarketEvent e, long shift) {
        long t = e.timeMicros() == EventTime.UNKNOWN ? EventTime.UNKNOWN : e.timeMicros() + shift;
        if (e instanceof Quote q) {
            return new Quote(q.productId(), t, q.bid(), q.bidQty(), q.ask(), q.askQty());
        }
        if (e instanceof Trade tr) {
            return new Trade(tr.productId(), t, tr.price(), tr.size(), tr.side());
        }
        if (e instanceof BookUpdate b) {
            return new BookUpdate(b.productId(), t, b.side(), b.price(), b.size());
        }
        return new SegmentBreak(e.productId(), t);
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
            try {
                t.join(5_000);
                if (inFlight.tryAcquire(settings.maxInFlight(), 10, TimeUnit.SECONDS)) {
                    inFlight.release(settings.maxInFlight());
                } else {
                    LOG.warnf(
                            "%d events still unacknowledged at shutdown",
                            settings.maxInFlight() - inFlight.availablePermits());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
