package dev.cvd.kafka;

import dev.cvd.market.Topics;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/**
 * Acknowledges a consumed batch of records once every message made from it is acknowledged by
 * Kafka, so that the consumer commits a batch's offsets only after its output is stored.
 *
 * <p>Use: create it for a batch, wrap each outgoing message with {@link #track}, then call {@link
 * #sealed()} when the batch is processed; a batch that made no message is acknowledged at once. The
 * first failed message nacks the batch (the channel's failure strategy decides what happens to its
 * records) and later acknowledgements are ignored. Thread-safe: Kafka acknowledges on its own
 * threads.
 */
public final class BatchAck {

    private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);

    private final Message<?> batch;

    /** Messages not yet acknowledged, plus one until the batch is sealed. */
    private final AtomicInteger pending = new AtomicInteger(1);

    private final AtomicBoolean failed = new AtomicBoolean();

    public BatchAck(Message<?> batch) {
        this.batch = batch;
    }

    /** The message, acknowledged as part of this batch. Call before {@link #sealed()}. */
    public Message<String> track(Message<String> message) {
        pending.incrementAndGet();
        return message.withAck(this::release).withNack(this::fail);
    }

    /** Every message of the batch is tracked: the batch is acknowledged when they all are. */
    public void sealed() {
        release();
    }

    private CompletionStage<Void> release() {
        if (pending.decrementAndGet() == 0 && !failed.get()) {
            return batch.ack();
        }
        return DONE;
    }

    private CompletionStage<Void> fail(Throwable reason) {
        if (failed.compareAndSet(false, true)) {
            return batch.nack(reason);
        }
        return DONE;
    }

    /**
     * A record a stage cannot process, as a message to {@link Topics#DLQ}: the original key and
     * value, the reason ({@code code: detail}) in {@link Topics#DLQ_REASON_HEADER}, the stage in
     * {@link Topics#DLQ_STAGE_HEADER}, and the topic, partition and offset in the {@code
     * dead-letter-*} headers the connector's own dead-letter strategy writes.
     */
    public static Message<String> deadLetter(
            ConsumerRecord<String, String> record, String stage, String reason) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Topics.DLQ_REASON_HEADER, utf8(reason));
        headers.add("dead-letter-topic", utf8(record.topic()));
        headers.add("dead-letter-partition", utf8(Integer.toString(record.partition())));
        headers.add("dead-letter-offset", utf8(Long.toString(record.offset())));
        headers.add(Topics.DLQ_STAGE_HEADER, utf8(stage));
        OutgoingKafkaRecordMetadata.OutgoingKafkaRecordMetadataBuilder<String> metadata =
                OutgoingKafkaRecordMetadata.<String>builder()
                        .withTopic(Topics.DLQ)
                        .withHeaders(headers);
        if (record.key() != null) {
            metadata.withKey(record.key());
        }
        return Message.of(
                record.value() == null ? "" : record.value(), Metadata.of(metadata.build()));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
