package dev.cvd.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Everything a topic holds at one moment: each partition read from its beginning up to the end
 * offset it had when the read started, with no consumer group. Unlike {@link TopicReader} it reads
 * to a known end, so that a test can tell "missing" from "not yet read".
 */
public final class TopicContents {

    private TopicContents() {}

    /**
     * The records of every partition of a topic, partition by partition (ascending), each in offset
     * order.
     *
     * @throws IllegalStateException if the end is not reached within the timeout
     */
    public static Map<Integer, List<ConsumerRecord<String, String>>> read(
            String bootstrapServers, String topic, Duration timeout) {
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrapServers,
                                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                                false,
                                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                                5000),
                        new StringDeserializer(),
                        new StringDeserializer())) {
            List<TopicPartition> parts =
                    consumer.partitionsFor(topic, timeout).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts, timeout);
            Map<Integer, List<ConsumerRecord<String, String>>> records = new TreeMap<>();
            parts.forEach(tp -> records.put(tp.partition(), new ArrayList<>()));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "could not read " + topic + " up to its end offsets " + end);
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() < end.get(new TopicPartition(topic, r.partition()))) {
                        records.get(r.partition()).add(r);
                    }
                }
            }
            return records;
        }
    }

    /** The records of every partition of a topic, partitions one after the other. */
    public static List<ConsumerRecord<String, String>> readAll(
            String bootstrapServers, String topic, Duration timeout) {
        return flatten(read(bootstrapServers, topic, timeout).values());
    }

    private static boolean reached(
            KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static <T> List<T> flatten(Collection<List<T>> lists) {
        List<T> all = new ArrayList<>();
        lists.forEach(all::addAll);
        return all;
    }
}
