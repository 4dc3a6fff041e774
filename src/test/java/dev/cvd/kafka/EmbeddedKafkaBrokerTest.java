package dev.cvd.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded broker stopped and restarted is the same cluster on the same address. */
class EmbeddedKafkaBrokerTest {

    @TempDir Path dir;

    @Test
    void aRestartedBrokerKeepsItsAddressTopicsRecordsAndCommittedOffsets() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0, true, 1)) {
            String servers = broker.bootstrapServers();
            try (Admin admin = admin(servers)) {
                admin.createTopics(List.of(new NewTopic("t", 1, (short) 1)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
            }
            try (KafkaProducer<String, String> producer = producer(servers)) {
                producer.send(new ProducerRecord<>("t", "k", "before")).get();
            }
            try (Admin admin = admin(servers)) {
                admin.alterConsumerGroupOffsets(
                                "g", Map.of(new TopicPartition("t", 0), new OffsetAndMetadata(1)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
            }
            assertThatThrownBy(broker::restart)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("running");

            broker.stop();
            assertThat(broker.isRunning()).isFalse();
            broker.restart();

            assertThat(broker.isRunning()).isTrue();
            assertThat(broker.bootstrapServers()).isEqualTo(servers);
            try (KafkaProducer<String, String> producer = producer(servers)) {
                producer.send(new ProducerRecord<>("t", "k", "after")).get();
            }
            assertThat(
                            TopicContents.readAll(servers, "t", Duration.ofSeconds(30)).stream()
                                    .map(ConsumerRecord::value))
                    .containsExactly("before", "after");
            try (Admin admin = admin(servers)) {
                assertThat(
                                admin.listConsumerGroupOffsets("g")
                                        .partitionsToOffsetAndMetadata()
                                        .get(30, TimeUnit.SECONDS))
                        .containsEntry(new TopicPartition("t", 0), new OffsetAndMetadata(1));
            }
        }
    }

    private static Admin admin(String servers) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers));
    }

    private static KafkaProducer<String, String> producer(String servers) {
        return new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers),
                new StringSerializer(),
                new StringSerializer());
    }
}
