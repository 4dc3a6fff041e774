package dev.cvd.features.stage;

import dev.cvd.features.FeatureEngine;
import dev.cvd.kafka.KafkaPlatform;
import dev.cvd.market.EventTime;
import dev.cvd.market.MarketEvent;
import dev.cvd.market.RawEventCodec;
import dev.cvd.market.WireFormatException;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Rebuilds the features stage's window state when it is assigned a partition of {@code ticks.raw}
 * that has committed progress (a restart, or a partition taken over from another instance).
 *
 * <p>Before the consumer resumes at the committed offset {@code c}, a separate consumer reads the
 * partition back from the first record whose event time is at least {@link
 * FeaturesSettings#rebuildWindow()} older than that of record {@code c - 1}, up to {@code c - 1},
 * through a fresh {@link FeatureEngine} whose rows are discarded. Every window is at most 300 s and
 * the coverage rule only asks that a segment be 300 s old, so the rebuilt state gives the same rows
 * as if the stage had never stopped. The start is found by probing back in doubling steps, so a
 * read-back costs O(records in the window), not O(partition).
 *
 * <p>Runs on the consumer's polling thread, inside the rebalance, before records of the partition
 * are delivered.
 */
@ApplicationScoped
@Identifier(RawReadback.NAME)
public class RawReadback implements KafkaConsumerRebalanceListener {

    /** The name the {@code raw-in} channel refers to. */
    public static final String NAME = "cvd.features.readback";

    private static final Logger LOG = Logger.getLogger(RawReadback.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final long FIRST_STEP = 1024;

    private final FeaturesStage stage;
    private final FeaturesSettings settings;
    private final KafkaPlatform kafka;

    public RawReadback(FeaturesStage stage, FeaturesSettings settings, KafkaPlatform kafka) {
        this.stage = stage;
        this.settings = settings;
        this.kafka = kafka;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> parts) {
        if (parts.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(parts));
        int generation = consumer.groupMetadata().generationId();
        for (TopicPartition tp : parts) {
            OffsetAndMetadata c = committed.get(tp);
            FeatureEngine engine = new FeatureEngine();
            if (c != null && c.offset() > 0) {
                long t0 = System.nanoTime();
                try {
                    long n = rebuild(tp, c.offset(), engine);
                    LOG.infof(
                            "rebuilt features state of %s from %d records in %d ms",
                            tp, n, (System.nanoTime() - t0) / 1_000_000);
                } catch (RuntimeException e) {
                    // The partition is ours either way: start it cold rather than drop its records.
                    engine = new FeatureEngine();
                    LOG.errorf(
                            "cannot read back %s (%s): its windows start empty at offset %d, so its"
                                    + " rows lack up to 300 s of history",
                            tp, e.toString(), c.offset());
                }
            }
            stage.assign(tp.partition(), engine, c == null ? 0 : c.offset(), generation);
        }
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> parts) {
        parts.forEach(tp -> stage.revoke(tp.partition()));
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> parts) {
        parts.forEach(tp -> stage.revoke(tp.partition()));
    }

    /** Feeds records [start, committed) of one partition into the engine; returns how many. */
    long rebuild(TopicPartition tp, long committed, FeatureEngine engine) {
        try (KafkaConsumer<String, String> reader = reader()) {
            reader.assign(List.of(tp));
            long begin = reader.beginningOffsets(List.of(tp)).get(tp);
            if (committed <= begin) {
                return 0;
            }
            long last = timeAt(reader, tp, committed - 1, committed);
            long window = settings.rebuildWindow().toNanos() / 1000;
            long start = begin;
            if (last != EventTime.UNKNOWN) {
                start = startOffset(reader, tp, begin, committed, last - window);
            }
            reader.seek(tp, start);
            long count = 0;
            while (reader.position(tp) < committed) {
                for (ConsumerRecord<String, String> r : reader.poll(POLL)) {
                    if (r.offset() >= committed) {
                        break;
                    }
                    try {
                        engine.accept(RawEventCodec.decode(r.value()), (p, t, v) -> {});
                        count++;
                    } catch (WireFormatException e) {
                        // It went to the dead-letter topic when it was first read.
                    }
                }
            }
            return count;
        }
    }

    /**
     * An offset from which reading covers every record with event time after {@code target}:
     * doubling steps back from the committed offset bracket it, a binary search narrows it, so it
     * costs O(log n) probes. Times in a partition are close to sorted (the producer's clamp keeps
     * each product's monotone); a slightly early start only reads a little more.
     */
    private static long startOffset(
            KafkaConsumer<String, String> reader,
            TopicPartition tp,
            long begin,
            long committed,
            long target) {
        long hi = committed - 1;
        long lo = begin;
        for (long step = FIRST_STEP; ; step *= 2) {
            long probe = committed - step;
            if (probe <= begin) {
                break;
            }
            long t = timeAt(reader, tp, probe, committed);
            if (t != EventTime.UNKNOWN && t <= target) {
                lo = probe;
                break;
            }
            hi = probe;
        }
        while (hi - lo > 64) {
            long mid = (lo + hi) >>> 1;
            long t = timeAt(reader, tp, mid, committed);
            if (t != EventTime.UNKNOWN && t <= target) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The event time of the first record at or after offset, before limit. */
    private static long timeAt(
            KafkaConsumer<String, String> reader, TopicPartition tp, long offset, long limit) {
        reader.seek(tp, offset);
        while (reader.position(tp) < limit) {
            for (ConsumerRecord<String, String> r : reader.poll(POLL)) {
                if (r.offset() >= limit) {
                    return EventTime.UNKNOWN;
                }
                try {
                    MarketEvent e = RawEventCodec.decode(r.value());
                    if (e.timeMicros() != EventTime.UNKNOWN) {
                        return e.timeMicros();
                    }
                } catch (WireFormatException e) {
                    // not an event: look at the next record
                }
            }
        }
        return EventTime.UNKNOWN;
    }

    private KafkaConsumer<String, String> reader() {
        return new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                        5000),
                new StringDeserializer(),
                new StringDeserializer());
    }
}
