package dev.cvd.features.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.cvd.features.FeatureContract;
import dev.cvd.features.FeatureEngine;
import dev.cvd.features.FeatureRow;
import dev.cvd.ingest.RecordingEvents;
import dev.cvd.kafka.EmbeddedKafkaResource;
import dev.cvd.kafka.KafkaPlatform;
import dev.cvd.market.MarketEvent;
import dev.cvd.market.RawEventCodec;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A partition taken over at a committed offset: the read-back rebuilds window state so that the
 * rows after the offset are those of an engine that never stopped: the same rows, times and NaNs,
 * values equal up to the grouping of floating-point window sums (the windows' two-stack sums are
 * grouped by when each was last rebuilt, so a rebuilt engine may differ in the last bits).
 */
@QuarkusTest
@WithTestResource(EmbeddedKafkaResource.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RawReadbackTest {

    private static final String TOPIC = "readback-test";
    private static final Path RECORDING =
            Path.of("replay/ticks_BTCUSD_20251201_164446_10min.ndjson.gz");

    @Inject
    @Identifier(RawReadback.NAME)
    RawReadback readback;

    @Inject KafkaPlatform kafka;

    private final List<MarketEvent> events = new ArrayList<>();

    /** The row each event produced in an uninterrupted run, or null. */
    private final List<FeatureRow> rowOfEvent = new ArrayList<>();

    @BeforeAll
    void publishTheRecordingOnOnePartition() throws Exception {
        events.addAll(RecordingEvents.of(RECORDING));
        FeatureEngine whole = new FeatureEngine();
        for (MarketEvent e : events) {
            FeatureRow[] row = {null};
            whole.accept(e, (p, t, v) -> row[0] = new FeatureRow(p, t, v.clone()));
            rowOfEvent.add(row[0]);
        }
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(
                        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                        new StringSerializer(),
                        new StringSerializer())) {
            for (MarketEvent e : events) {
                producer.send(new ProducerRecord<>(TOPIC, e.productId(), RawEventCodec.encode(e)));
            }
            producer.flush();
        }
    }

    private static void assertSameRow(int event, FeatureRow actual, FeatureRow expected) {
        if (expected == null) {
            assertThat(actual).as("row of event %d", event).isNull();
            return;
        }
        assertThat(actual).as("row of event %d", event).isNotNull();
        assertThat(actual.productId()).isEqualTo(expected.productId());
        assertThat(actual.timeMicros()).isEqualTo(expected.timeMicros());
        double[] a = actual.values();
        double[] e = expected.values();
        for (int k = 0; k < e.length; k++) {
            String what = "event " + event + ", " + FeatureContract.NAMES.get(k);
            if (Double.isNaN(e[k])) {
                assertThat(a[k]).as(what).isNaN();
            } else {
                assertThat(a[k]).as(what).isCloseTo(e[k], within(1e-12 * Math.abs(e[k]) + 1e-18));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.05, 0.5, 0.9, 0.999})
    void rowsAfterTheCommittedOffsetEqualThoseOfAnUninterruptedEngine(double at) {
        int committed = (int) (events.size() * at);
        FeatureEngine rebuilt = new FeatureEngine();

        long read = readback.rebuild(new TopicPartition(TOPIC, 0), committed, rebuilt);

        assertThat(read).isPositive().isLessThanOrEqualTo(committed);
        int compared = 0;
        for (int i = committed; i < events.size(); i++) {
            FeatureRow[] row = {null};
            rebuilt.accept(events.get(i), (p, t, v) -> row[0] = new FeatureRow(p, t, v.clone()));
            assertSameRow(i, row[0], rowOfEvent.get(i));
            compared += row[0] != null ? 1 : 0;
        }
        assertThat(compared).isPositive();
        if (at >= 0.9) {
            // Late offsets read back only the rebuild window, not the whole partition.
            assertThat(read).isLessThan(committed);
        }
    }
}
