package dev.cvd.ingest.stage;

import dev.cvd.kafka.Channels;
import dev.cvd.market.MarketEvent;
import dev.cvd.market.RawEventCodec;
import dev.cvd.market.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
 * Where every ingest source (replay, live Coinbase) publishes: normalized events onto {@code
 * ticks.raw} (key = product) and undecodable input onto {@code ticks.dlq} with its reason.
 *
 * <p>Backpressure: at most {@link IngestSettings#maxInFlight()} records (events and rejected input
 * together) are sent and not yet acknowledged by Kafka; {@link #publish} and {@link #reject} wait
 * beyond that, and each emitter buffers {@link #EMITTER_BUFFER} records, so neither buffer can
 * overflow. Thread-safe.
 */
@ApplicationScoped
public class RawPublisher {

    /** Buffer of each emitter; never smaller than the in-flight limit, so it cannot overflow. */
    public static final int EMITTER_BUFFER = 8192;

    private static final Logger LOG = Logger.getLogger(RawPublisher.class);

    private final Emitter<String> raw;
    private final Emitter<String> dlq;
    private final MeterRegistry registry;
    private final int maxInFlight;
    private final Semaphore inFlight;
    private final Counter eventsIn;
    private final Counter eventsOut;
    private volatile long lastPublishedNanos;

    public RawPublisher(
            @Channel(Channels.RAW_OUT)
                    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = EMITTER_BUFFER)
                    Emitter<String> raw,
            @Channel(Channels.DLQ_OUT)
                    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = EMITTER_BUFFER)
                    Emitter<String> dlq,
            MeterRegistry registry,
            IngestSettings settings) {
        if (settings.maxInFlight() < 1 || settings.maxInFlight() > EMITTER_BUFFER) {
            throw new IllegalArgumentException(
                    "cvd.ingest.max-in-flight must be between 1 and "
                            + EMITTER_BUFFER
                            + ", got "
                            + settings.maxInFlight());
        }
        this.raw = raw;
        this.dlq = dlq;
        this.registry = registry;
        this.maxInFlight = settings.maxInFlight();
        this.inFlight = new Semaphore(maxInFlight);
        this.eventsIn = registry.counter("cvd.events.in", "stage", "ingest");
        this.eventsOut = registry.counter("cvd.events.out", "stage", "ingest");
    }

    /** Sends one event onto ticks.raw; waits while the in-flight limit is reached. */
    public void publish(MarketEvent event) throws InterruptedException {
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

    /**
     * Sends undecodable input onto ticks.dlq: the original text as the value, the reason code, the
     * stage {@code ingest} and where it came from in the headers.
     */
    public void reject(String reason, String original, String source) throws InterruptedException {
        registry.counter("cvd.events.rejected", "stage", "ingest", "reason", reason).increment();
        inFlight.acquire();
        RecordHeaders headers = new RecordHeaders();
        headers.add(Topics.DLQ_REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(Topics.DLQ_SOURCE_HEADER, source.getBytes(StandardCharsets.UTF_8));
        headers.add(Topics.DLQ_STAGE_HEADER, "ingest".getBytes(StandardCharsets.UTF_8));
        Metadata metadata =
                Metadata.of(OutgoingKafkaRecordMetadata.builder().withHeaders(headers).build());
        dlq.send(
                Message.of(original, metadata)
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

    /**
     * Waits until Kafka has acknowledged everything sent (for shutdown, before the connectors
     * close).
     *
     * @return false if records were still unacknowledged at the timeout
     */
    public boolean drain(Duration timeout) throws InterruptedException {
        if (inFlight.tryAcquire(maxInFlight, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            inFlight.release(maxInFlight);
            return true;
        }
        LOG.warnf(
                "%d records still unacknowledged at shutdown",
                maxInFlight - inFlight.availablePermits());
        return false;
    }

    /** Events published and acknowledged so far. */
    public long published() {
        return (long) eventsOut.count();
    }

    /** Nanos (System.nanoTime) of the last acknowledged event, 0 if none. */
    public long lastPublishedNanos() {
        return lastPublishedNanos;
    }
}
