package dev.cvd.features.stage;

import dev.cvd.features.FeatureContract;
import dev.cvd.features.FeatureEngine;
import dev.cvd.features.FeatureRowCodec;
import dev.cvd.kafka.BatchAck;
import dev.cvd.kafka.Channels;
import dev.cvd.kafka.RecordSender;
import dev.cvd.kafka.StageThread;
import dev.cvd.market.JsonBytes;
import dev.cvd.market.MarketEvent;
import dev.cvd.market.RawEventCodec;
import dev.cvd.market.Topics;
import dev.cvd.market.WireFormatException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Multi;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordBatchMetadata;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Outgoing;
import org.jboss.logging.Logger;

/**
 * The features stage: {@code ticks.raw} to per-product window state to {@code ticks.features} (key
 * = product, the quote's mid price in the {@link FeatureRowCodec#MID_HEADER} header) and the
 * Parquet {@link FeatureStore}.
 *
 * <p>The consumer delivers records in polled batches (up to {@code max.poll.records}); a batch is
 * processed in partition order on one dedicated thread (the window state is not thread-safe and is
 * owned by that thread; rebalance callbacks take the same lock), so the per-record cost is the
 * feature work and not the messaging framework's. Each partition has its own {@link FeatureEngine},
 * so that a partition can be handed over to another instance with its state rebuilt ({@link
 * RawReadback}). Rows go out through the {@code features-out} channel's own producer, sent from
 * that thread as they are made ({@link RecordSender}); a batch is acknowledged, and its offsets
 * committed, only once Kafka has stored every row made from it ({@link BatchAck}). A record that is
 * not a valid raw event goes to {@code ticks.dlq} with its reason (headers as the connector's
 * dead-letter strategy writes them) as part of its batch, and the stream goes on; if Kafka refuses
 * a row, the batch is nacked and the channel's dead-letter strategy sends its records to {@code
 * ticks.dlq}.
 */
@ApplicationScoped
public class FeaturesStage {

    private static final Logger LOG = Logger.getLogger(FeaturesStage.class);
    private static final String STAGE = "features";
    private static final List<String> ENGINE_REASONS =
            List.of(
                    FeatureEngine.INVALID_QUOTE,
                    FeatureEngine.INVALID_TRADE,
                    FeatureEngine.MISSING_TIME);

    private final Object lock = new Object();
    private final Map<Integer, PartitionState> partitions = new HashMap<>();
    private final Map<String, Counter> engineRejected = new HashMap<>();

    /** When each product's last event arrived (System.nanoTime), for its last-event-age gauge. */
    private final Map<String, AtomicLong> lastEventNanos = new ConcurrentHashMap<>();

    private final MeterRegistry registry;
    private final Counter eventsIn;
    private final Counter rowsOut;
    private final Timer tickToFeature;
    private final ExecutorService worker;
    private final ScheduledExecutorService roller;
    private final Optional<FeatureStore> store;

    private volatile String storeFailure;

    @Inject KafkaClientService clients;

    /** The topic of the {@code features-out} channel. */
    @ConfigProperty(
            name = "mp.messaging.outgoing.features-out.topic",
            defaultValue = Topics.FEATURES)
    String rowsTopic = Topics.FEATURES;

    /** The {@code features-out} channel's producer, once the first batch arrives. */
    private RecordSender rows;

    /** One emitted row, copied out of the engine's reused array. */
    private String rowProduct;

    private long rowTime;
    private final double[] rowValues = new double[FeatureContract.SIZE];

    /** The text of the records being made, on the stage's thread. */
    private final JsonBytes text = new JsonBytes(FeatureRowCodec.ROW_BYTES);

    private boolean rowEmitted;

    /** Events processed and rows made in the batch so far, counted into the meters at its end. */
    private int batchEvents;

    private int batchRows;

    /** Whether the batch being processed was polled before a rebalance gave its partitions back. */
    private boolean staleBatch;

    public FeaturesStage(FeaturesSettings settings, MeterRegistry registry) {
        this.registry = registry;
        this.eventsIn = registry.counter("cvd.events.in", "stage", "features");
        this.rowsOut = registry.counter("cvd.events.out", "stage", "features");
        this.tickToFeature =
                Timer.builder("cvd.tick.to.feature")
                        .description(
                                "From a raw event's publication on ticks.raw to its feature row"
                                        + " (millisecond resolution)")
                        .publishPercentiles(0.5, 0.99)
                        .publishPercentileHistogram()
                        .register(registry);
        for (String reason : ENGINE_REASONS) {
            engineRejected.put(
                    reason,
                    registry.counter("cvd.events.rejected", "stage", STAGE, "reason", reason));
        }
        this.worker = StageThread.named("cvd-features");
        if (settings.store().enabled()) {
            FeatureStore s =
                    new FeatureStore(
                            Path.of(settings.store().dir()),
                            settings.store().maxRows(),
                            settings.store().maxAge().toNanos());
            this.store = Optional.of(s);
            this.roller =
                    Executors.newSingleThreadScheduledExecutor(
                            r -> {
                                Thread t = new Thread(r, "cvd-features-roll");
                                t.setDaemon(true);
                                return t;
                            });
            roller.scheduleWithFixedDelay(this::rollAged, 10, 10, TimeUnit.SECONDS);
        } else {
            this.store = Optional.empty();
            this.roller = null;
        }
    }

    /**
     * Wires {@code raw-in} to {@code features-out}. The rows are sent to the {@code features-out}
     * channel's producer by {@link #handleBatch}, so no message comes out of this stream; the
     * channel is declared here so that the connector makes, configures, checks and closes that
     * producer.
     */
    @Incoming(Channels.RAW_IN)
    @Outgoing(Channels.FEATURES_OUT)
    public Multi<Message<byte[]>> process(Multi<Message<List<String>>> batches) {
        // A small hand-over buffer: batches wait in the consumer, not in memory here.
        return batches.emitOn(worker, 4)
                .onItem()
                .transformToIterable(
                        batch -> {
                            handleBatch(batch, rows());
                            return List.of();
                        });
    }

    private RecordSender rows() {
        if (rows == null) {
            rows = RecordSender.of(clients, Channels.FEATURES_OUT);
        }
        return rows;
    }

    /**
     * Processes one polled batch of raw records in order, sending its feature rows and dead letters
     * to {@code out} as they are made; the batch is acknowledged once Kafka stored them all.
     *
     * <p>A batch polled before its partitions were taken away and given back to this instance is
     * stale: the state was rebuilt from the committed offset and the consumer delivers those
     * records again, so the stale batch is dropped without an acknowledgement (its offsets belong
     * to the previous assignment; rebalancing is eager, so every partition of the batch was
     * revoked).
     */
    void handleBatch(Message<List<String>> batch, RecordSender out) {
        var metadata = batch.getMetadata(IncomingKafkaRecordBatchMetadata.class);
        if (metadata.isEmpty()) {
            batch.ack(); // not from Kafka: nothing to process
            return;
        }
        int generation = metadata.get().getConsumerGroupGenerationId();
        @SuppressWarnings("unchecked")
        ConsumerRecords<String, String> records = metadata.get().getRecords();
        BatchAck ack = new BatchAck(batch);
        staleBatch = false;
        try {
            // Partition by partition, by index: the records' own iterator costs a few percent.
            for (TopicPartition partition : records.partitions()) {
                List<ConsumerRecord<String, String>> list = records.records(partition);
                for (int i = 0; i < list.size(); i++) {
                    ProducerRecord<String, byte[]> r = handle(list.get(i), generation);
                    if (r != null && !ack.send(out, r)) {
                        return; // read again at the next start, with the state rebuilt
                    }
                }
            }
        } finally {
            // Once a batch rather than once a record: each increment reaches every registry.
            eventsIn.increment(batchEvents);
            rowsOut.increment(batchRows);
            batchEvents = 0;
            batchRows = 0;
        }
        if (staleBatch) {
            LOG.debugf("dropped a batch of %d records polled before a rebalance", records.count());
            return;
        }
        ack.sealed();
    }

    /**
     * Processes one raw record; returns its feature row record, a dead letter, or null when the
     * record makes no row.
     */
    private ProducerRecord<String, byte[]> handle(
            ConsumerRecord<String, String> record, int generation) {
        int partition = record.partition();
        long offset = record.offset();
        byte[] value;
        String product;
        byte[] mid;
        synchronized (lock) {
            PartitionState state = partitions.get(partition);
            if (state == null) {
                // Still buffered after its partition was revoked: the new owner computes it.
                return null;
            }
            if (generation >= 0 && generation < state.generation) {
                // Polled before the partition was given back to this instance (see handleBatch).
                staleBatch = true;
                return null;
            }
            if (offset < state.nextOffset) {
                // Already in the state (read back, or delivered again after a re-assignment).
                return null;
            }
            state.nextOffset = offset + 1;
            MarketEvent event;
            try {
                event = RawEventCodec.decode(record.value());
            } catch (WireFormatException e) {
                rejected(e.reason());
                return BatchAck.deadLetter(record, STAGE, e.getMessage());
            }
            batchEvents++;
            FeatureEngine engine = state.engine;
            rowEmitted = false;
            long rejectionsBefore = engine.rejections();
            try {
                engine.accept(event, this::onRow);
            } catch (RuntimeException e) {
                rejected("processing_error");
                LOG.errorf("cannot process %s: %s", record.value(), e);
                return BatchAck.deadLetter(record, STAGE, "processing_error: " + e.getMessage());
            }
            if (engine.rejections() != rejectionsBefore) {
                engineRejected.get(engine.lastRejection()).increment();
            }
            touch(event.productId());
            if (!rowEmitted) {
                return null;
            }
            product = rowProduct;
            value = FeatureRowCodec.write(text.clear(), rowProduct, rowTime, rowValues).toBytes();
            double rowMid = engine.rowMid();
            mid = text.clear().number(rowMid).toBytes();
            storeRow(rowMid);
        }
        batchRows++;
        long publishedMillis = record.timestamp();
        if (publishedMillis > 0) {
            // From the ingest's send (the record's CreateTime) to the row ready to send.
            tickToFeature.record(
                    Math.max(0, System.currentTimeMillis() - publishedMillis),
                    TimeUnit.MILLISECONDS);
        }
        // The record copies the list into its own headers.
        return new ProducerRecord<>(
                rowsTopic,
                null,
                product,
                value,
                List.of(new RecordHeader(FeatureRowCodec.MID_HEADER, mid)));
    }

    private void rejected(String reason) {
        registry.counter("cvd.events.rejected", "stage", STAGE, "reason", reason).increment();
    }

    /**
     * The window state of one partition, the next offset it has not seen, and the consumer group
     * generation that assigned it.
     */
    private static final class PartitionState {
        final FeatureEngine engine;
        final int generation;
        long nextOffset;

        PartitionState(FeatureEngine engine, long nextOffset, int generation) {
            this.engine = engine;
            this.nextOffset = nextOffset;
            this.generation = generation;
        }
    }

    private void onRow(String productId, long timeMicros, double[] values) {
        rowProduct = productId;
        rowTime = timeMicros;
        System.arraycopy(values, 0, rowValues, 0, values.length);
        rowEmitted = true;
    }

    private void storeRow(double mid) {
        if (store.isEmpty()) {
            return;
        }
        try {
            store.get().write(rowProduct, rowTime, rowValues, mid);
            storeFailure = null;
        } catch (RuntimeException e) {
            if (storeFailure == null) {
                LOG.errorf("the Parquet feature store cannot write: %s", e.getMessage());
            }
            storeFailure = e.getMessage();
        }
    }

    private void rollAged() {
        try {
            store.ifPresent(FeatureStore::rollAged);
        } catch (RuntimeException e) {
            storeFailure = e.getMessage();
        }
    }

    private void touch(String productId) {
        long now = System.nanoTime();
        AtomicLong last = lastEventNanos.get(productId);
        if (last != null) {
            last.lazySet(now); // read by the gauge; no allocation or map write per event
            return;
        }
        AtomicLong first = new AtomicLong(now);
        lastEventNanos.put(productId, first);
        Gauge.builder("cvd.last.event.age", first, t -> (System.nanoTime() - t.get()) / 1e9)
                .baseUnit("seconds")
                .description("Seconds since the features stage last received an event")
                .tags("product", productId)
                .strongReference(true)
                .register(registry);
    }

    /**
     * Installs a rebuilt engine for a newly assigned partition.
     *
     * @param nextOffset the first offset the engine has not seen (the committed offset)
     * @param generation the consumer group generation of the assignment; batches polled in an
     *     earlier generation are not applied to this state
     */
    void assign(int partition, FeatureEngine rebuilt, long nextOffset, int generation) {
        synchronized (lock) {
            partitions.put(partition, new PartitionState(rebuilt, nextOffset, generation));
        }
    }

    /** Drops the state of a partition this instance no longer owns. */
    void revoke(int partition) {
        synchronized (lock) {
            partitions.remove(partition);
        }
    }

    /** Why the Parquet store fails, or null when it works (or is off). */
    public String storeFailure() {
        return storeFailure;
    }

    /** Raw events processed so far. */
    public long eventsProcessed() {
        return (long) eventsIn.count();
    }

    /** Feature rows emitted so far. */
    public long rowsEmitted() {
        return (long) rowsOut.count();
    }

    /** Complete Parquet files written so far (empty when the store is off). */
    public List<Path> storeFiles() {
        return store.map(FeatureStore::completedFiles).orElse(List.of());
    }

    /** Closes the open Parquet files (the shutdown flush). */
    public void flushStore() {
        store.ifPresent(FeatureStore::close);
    }

    @PreDestroy
    void close() {
        worker.shutdown();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (roller != null) {
            roller.shutdownNow();
        }
        flushStore();
    }
}
