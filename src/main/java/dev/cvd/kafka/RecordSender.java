package dev.cvd.kafka;

import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaProducer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Where a stage sends its output records: in the service, the Kafka producer the connector made for
 * one of its outgoing channels (configured by that channel's {@code mp.messaging.outgoing.*}
 * properties, and closed, after a flush, by the connector at shutdown).
 *
 * <p>A stage sends each record straight to the producer, in order, from its own thread, and tracks
 * the batch's acknowledgement with the callback ({@link BatchAck}); the connector's per-message
 * path (a message, its metadata, a hand-over to the sending thread and the completion chain back)
 * cost the stages several times their own work per record. The send blocks while the producer's
 * buffer is full or the broker is away, which holds the stage, and through it the consumer, back.
 */
@FunctionalInterface
public interface RecordSender {

    /** Sends one record; the callback is told when Kafka stored it or refused it. */
    void send(ProducerRecord<String, byte[]> record, Callback callback);

    /**
     * The connector's producer of an outgoing channel; its {@code value.serializer} must be the
     * byte-array one: stages write their records' text as UTF-8 bytes themselves.
     */
    static RecordSender of(KafkaClientService clients, String channel) {
        KafkaProducer<String, byte[]> producer = clients.getProducer(channel);
        if (producer == null) {
            throw new IllegalStateException("no Kafka producer for the channel " + channel);
        }
        var kafka = producer.unwrap();
        return kafka::send;
    }
}
