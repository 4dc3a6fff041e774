package dev.cvd.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cvd.market.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker stopped and restarted is the same cluster on the same address; a size-bounded
 * topic on it sheds its oldest segments within seconds.
 */
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

    @Test
    void onTheEmbeddedBrokerOnlyTheDerivedTopicsAreBoundedBySize() {
        long bound = 2L << 30;
        assertThat(KafkaPlatform.topicConfigs(Topics.FEATURES, true, bound))
                .containsEntry("retention.bytes", "2147483648")
                .containsEntry("segment.bytes", "67108864");
        assertThat(KafkaPlatform.topicConfigs(Topics.PREDICTIONS, true, bound))
                .containsEntry("retention.bytes", "2147483648");
        assertThat(KafkaPlatform.topicConfigs(Topics.RAW, true, bound)).isEmpty();
        assertThat(KafkaPlatform.topicConfigs(Topics.DLQ, true, bound)).isEmpty();
        assertThat(KafkaPlatform.topicConfigs(Topics.FEATURES, false, bound)).isEmpty();
        assertThat(KafkaPlatform.topicConfigs(Topics.FEATURES, true, 0)).isEmpty();
        assertThat(KafkaPlatform.topicConfigs(Topics.FEATURES, true, 2L << 20))
                .containsEntry("segment.bytes", "1048576");
    }

    @Test
    void aSizeBoundedTopicLosesItsOldestSegmentsWithinSeconds() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0, true, 1)) {
            String servers = broker.bootstrapServers();
            TopicPartition t0 = new TopicPartition(Topics.FEATURES, 0);
            try (Admin admin = admin(servers)) {
                admin.createTopics(
                                List.of(
                                        new NewTopic(Topics.FEATURES, 1, (short) 1)
                                                .configs(
                                                        KafkaPlatform.topicConfigs(
                                                                Topics.FEATURES, true, 2L << 20))))
                        .all()
                        .get(30, TimeUnit.SECONDS);
                // 8 MiB into a partition that keeps 2 MiB, in segments of 1 MiB.
                String value = "x".repeat(10_000);
                try (KafkaProducer<String, String> producer = producer(servers)) {
                    for (int i = 0; i < 800; i++) {
                        producer.send(new ProducerRecord<>(Topics.FEATURES, "k", value));
                    }
                    producer.flush();
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                long earliest = 0;
                while (earliest == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                    earliest = offset(admin, t0, OffsetSpec.earliest());
                }
                // Gone within seconds, not Kafka's usual five minutes; the bound's worth stayed.
                assertThat(earliest).isPositive();
                long latest = offset(admin, t0, OffsetSpec.latest());
                assertThat(latest).isEqualTo(800);
                assertThat(latest - earliest).isGreaterThanOrEqualTo(200);
            }
        }
    }

    private static long offset(Admin admin, TopicPartition tp, OffsetSpec spec) throws Exception {
        return admin.listOffsets(Map.of(tp, spec))
                .partitionResult(tp)
                .get(30, TimeUnit.SECONDS)
                .offset();
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
