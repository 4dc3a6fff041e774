package dev.cvd.kafka;

import dev.cvd.market.Topics;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Acknowledges a consumed batch of records once Kafka has stored every record made from it, so that
 * the consumer commits a batch's offsets only after its output is stored.
 *
 * <p>Use: create it for a batch, {@link #send} each record made from it, then call {@link
 * #sealed()} when the batch is processed; a batch that made no record is acknowledged at once. The
 * first record Kafka refuses nacks the batch (the channel's failure strategy decides what happens
 * to its records) and later completions are ignored. One object serves all the batch's records, so
 * tracking allocates nothing per record. Thread-safe: Kafka completes sends on its own threads.
 */
public final class BatchAck implements Callback {

    private static final Logger LOG = Logger.getLogger(BatchAck.class);

    private final Message<?> batch;

    /** Records not yet stored, plus one until the batch is sealed. */
    private final AtomicInteger pending = new AtomicInteger(1);

    private final AtomicBoolean failed = new AtomicBoolean();

    public BatchAck(Message<?> batch) {
        this.batch = batch;
    }

    /**
     * Sends one record of the batch, to be counted when Kafka stored it. Returns false when the
     * producer cannot take it (closed as the service stops, or the thread interrupted): the batch
     * then stays unacknowledged, so its records are read again at the next start, from the
     * committed offset, and the caller stops processing it.
     */
    public boolean send(RecordSender out, ProducerRecord<String, byte[]> record) {
        pending.incrementAndGet();
        try {
            out.send(record, this);
            return true;
        } catch (RuntimeException e) {
            LOG.warnf("stopped sending to %s: %s", record.topic(), e.toString());
            return false;
        }
    }

    /** Every record of the batch is sent: the batch is acknowledged once they are all stored. */
    public void sealed() {
        release();
    }

    /** A tracked record's completion: stored, or refused with the exception. */
    @Override
    public void onCompletion(RecordMetadata stored, Exception refused) {
        if (refused == null) {
            release();
        } else if (failed.compareAndSet(false, true)) {
            batch.nack(refused);
        }
    }

    private void release() {
        if (pending.decrementAndGet() == 0 && !failed.get()) {
            batch.ack();
        }
    }

    /**
     * A record a stage cannot process, as a record for {@link Topics#DLQ}: the original key and
     * value, the reason ({@code code: detail}) in {@link Topics#DLQ_REASON_HEADER}, the stage in
     * {@link Topics#DLQ_STAGE_HEADER}, and the topic, partition and offset in the {@code
     * dead-letter-*} headers the connector's own dead-letter strategy writes.
     */
    public static ProducerRecord<String, byte[]> deadLetter(
            ConsumerRecord<String, String> record, String stage, String reason) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Topics.DLQ_REASON_HEADER, utf8(reason));
        headers.add("dead-letter-topic", utf8(record.topic()));
        headers.add("dead-letter-partition", utf8(Integer.toString(record.partition())));
        headers.add("dead-letter-offset", utf8(Long.toString(record.offset())));
        headers.add(Topics.DLQ_STAGE_HEADER, utf8(stage));
        return new ProducerRecord<>(
                Topics.DLQ,
                null,
                record.key(),
                record.value() == null ? new byte[0] : utf8(record.value()),
                headers);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
