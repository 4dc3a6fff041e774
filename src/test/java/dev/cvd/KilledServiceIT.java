package dev.cvd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.cvd.features.FeatureContract;
import dev.cvd.features.FeatureRow;
import dev.cvd.features.FeatureRowCodec;
import dev.cvd.ingest.FieldMapping;
import dev.cvd.ingest.RecordingReader;
import dev.cvd.ingest.Replay;
import dev.cvd.kafka.EmbeddedKafkaBroker;
import dev.cvd.kafka.TopicContents;
import dev.cvd.market.MarketEvent;
import dev.cvd.market.RawEventCodec;
import dev.cvd.market.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service killed (SIGKILL) in the middle of a replay and started again, against a
 * broker that outlives it: the new process resumes {@code ticks.raw} at the committed offset with
 * window state rebuilt by the read-back, so its rows are those of the offline engine for every
 * event from the committed offset on (equal up to the last bits of window sums, as {@code
 * RawReadbackTest} pins), and the only rows emitted twice are those of the events the killed
 * process had processed but not committed (at-least-once), each the same row twice.
 *
 * <p>Ingest runs here (the recording paced onto {@code ticks.raw} by the project's {@link Replay},
 * as an ingest-only instance would), so that it goes on while the features instance is down.
 */
class KilledServiceIT {

    private static final Path RECORDING =
            Path.of("replay/ticks_BTCUSD_20251201_164446_10min.ndjson.gz");

    /** Ten minutes of recording in 30 s. */
    private static final double SPEED = 20;

    /**
     * The kill comes once the committed offset has passed the first event this far into the
     * recording: beyond the 6-minute read-back window, so that the restart reads back part of the
     * partition, not all of it, and with minutes of the replay still to come.
     */
    private static final Duration KILL_AFTER = Duration.ofSeconds(390);

    /** Rows of uncommitted events on ticks.features at the kill, at least. */
    private static final int MIN_UNCOMMITTED_ROWS = 100;

    private static final String GROUP = "cvd-features";
    private static final Duration READ = Duration.ofSeconds(30);
    private static final Pattern REBUILT =
            Pattern.compile("rebuilt features state of ticks\\.raw-(\\d+) from (\\d+) records");

    @TempDir Path tmp;

    @Test
    void aKilledServiceResumesFromItsCommittedOffsetWithRebuiltStateAndOnlyIdenticalDuplicates()
            throws Exception {
        OfflineRun offline = OfflineRun.of(RECORDING);
        int n = offline.events.size();
        List<FeatureRow> expected = offline.rows();
        long killAfter = killOffset(offline);

        try (EmbeddedKafkaBroker broker =
                        EmbeddedKafkaBroker.start(tmp.resolve("kafka"), 0, true, 3);
                Admin admin =
                        Admin.create(
                                Map.of(
                                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                        broker.bootstrapServers()));
                KafkaProducer<String, String> producer = producer(broker.bootstrapServers())) {
            String servers = broker.bootstrapServers();
            admin.createTopics(
                            List.of(Topics.RAW, Topics.FEATURES, Topics.PREDICTIONS, Topics.DLQ)
                                    .stream()
                                    .map(t -> new NewTopic(t, 3, (short) 1))
                                    .toList())
                    .all()
                    .get(30, TimeUnit.SECONDS);
            Map<String, String> config = serviceConfig(servers, tmp.resolve("features"));

            // The first instance: consuming, then killed mid-replay once it has committed.
            AtomicReference<Exception> feedFailure = new AtomicReference<>();
            Thread feed = feed(producer, feedFailure);
            long committed;
            int rawPartition;
            List<FeatureRow> beforeRestart;
            try (ServiceProcess first = ServiceProcess.serve(config, tmp.resolve("first.log"))) {
                awaitConsuming(admin, first);
                feed.start();
                // Killed with an uncommitted tail: rows on ticks.features beyond those of the
                // committed events, which the restarted instance computes again.
                await().atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(100))
                        .until(
                                () -> {
                                    assertAlive(first);
                                    long c =
                                            committed(admin).values().stream()
                                                    .mapToLong(Long::longValue)
                                                    .max()
                                                    .orElse(0);
                                    return c >= killAfter
                                            && rowsOnTopic(admin)
                                                    >= offline.rows(0, (int) c).size()
                                                            + MIN_UNCOMMITTED_ROWS;
                                });
                first.kill();
            }
            Map<TopicPartition, Long> committedAtKill = committed(admin);
            var rawAtKill = TopicContents.read(servers, Topics.RAW, READ);
            rawPartition =
                    rawAtKill.entrySet().stream()
                            .filter(e -> !e.getValue().isEmpty())
                            .findFirst()
                            .orElseThrow()
                            .getKey();
            committed =
                    committedAtKill.getOrDefault(new TopicPartition(Topics.RAW, rawPartition), 0L);
            beforeRestart = rowsOnTicksFeatures(servers);

            // The second instance: resumes, and the replay finishes while it runs.
            List<FeatureRow> all;
            String secondLog;
            try (ServiceProcess second = ServiceProcess.serve(config, tmp.resolve("second.log"))) {
                feed.join(TimeUnit.SECONDS.toMillis(90));
                assertThat(feed.isAlive()).as("the replay has finished").isFalse();
                producer.flush();
                assertThat(feedFailure.get()).as("replay onto ticks.raw").isNull();
                await().atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(250))
                        .until(
                                () -> {
                                    assertAlive(second);
                                    return committed(admin)
                                                    .getOrDefault(
                                                            new TopicPartition(
                                                                    Topics.RAW, rawPartition),
                                                            0L)
                                            >= n;
                                });
                all = rowsOnTicksFeatures(servers);
                secondLog = second.log();
            }

            // ticks.raw: the recording, once (the producer here is idempotent with acks=all).
            List<String> raw =
                    TopicContents.readAll(servers, Topics.RAW, READ).stream()
                            .map(ConsumerRecord::value)
                            .toList();
            List<String> sent = offline.events.stream().map(RawEventCodec::encode).toList();
            StreamAccounting.Tally rawTally = StreamAccounting.tally(sent, raw, e -> e);
            assertThat(rawTally.exactlyOnce()).as(rawTally.describe(Topics.RAW)).isTrue();
            assertSameInOrder(raw, sent, "ticks.raw record");

            // The kill came mid-replay, after a commit.
            assertThat(committed)
                    .as("committed offset of %s at the kill", GROUP)
                    .isPositive()
                    .isLessThan(n);
            List<FeatureRow> committedRows = offline.rows(0, (int) committed);
            List<FeatureRow> resumedRows = offline.rows((int) committed, n);

            // Before the restart: the killed instance's rows, an uninterrupted engine's, bit for
            // bit; every row of a committed event is there.
            assertThat(beforeRestart.size())
                    .as(
                            "rows on ticks.features after the kill, against the rows of the %d"
                                    + " committed events",
                            committed)
                    .isGreaterThanOrEqualTo(committedRows.size());
            assertSameInOrder(
                    beforeRestart,
                    expected.subList(0, beforeRestart.size()),
                    "row of the killed instance");

            // After the restart: the rows of the events from the committed offset on, no more
            // (nothing reprocessed from the beginning) and no fewer.
            assertSameInOrder(
                    all.subList(0, beforeRestart.size()), beforeRestart, "row before the restart");
            List<FeatureRow> afterRestart = all.subList(beforeRestart.size(), all.size());
            StreamAccounting.Tally tally =
                    StreamAccounting.tally(
                            resumedRows, afterRestart, r -> r.productId() + "@" + r.timeMicros());
            assertThat(tally.exactlyOnce())
                    .as(
                            tally.describe(
                                    "rows of the restarted instance against the offline rows of"
                                            + " events "
                                            + committed
                                            + ".."
                                            + (n - 1)))
                    .isTrue();
            Comparison resumed = compare(afterRestart, resumedRows, "restarted instance");

            // The duplicates: rows the killed instance emitted after its last commit, emitted
            // again by the restarted one; each the same row twice.
            int duplicates = beforeRestart.size() - committedRows.size();
            assertThat(duplicates)
                    .as(
                            "rows of uncommitted events at the kill (the kill waited for %d)",
                            MIN_UNCOMMITTED_ROWS)
                    .isPositive();
            Comparison twice =
                    compare(
                            afterRestart.subList(0, duplicates),
                            beforeRestart.subList(committedRows.size(), beforeRestart.size()),
                            "duplicate");

            Matcher rebuilt = REBUILT.matcher(secondLog);
            assertThat(rebuilt.find())
                    .as("the restarted instance rebuilt its state; its log:%n%s", secondLog)
                    .isTrue();
            assertThat(Integer.parseInt(rebuilt.group(1))).isEqualTo(rawPartition);
            long readBack = Long.parseLong(rebuilt.group(2));
            assertThat(readBack)
                    .as("records read back: the 6-minute window before the committed offset")
                    .isPositive()
                    .isLessThan(committed);
            assertThat(TopicContents.readAll(servers, Topics.DLQ, READ)).as("ticks.dlq").isEmpty();

            System.out.printf(
                    "killed at committed offset %d of %d events; %d rows before the restart, %d"
                            + " after; read back %d records; %d duplicates (%d bit-identical,"
                            + " max relative difference %.3g); resumed rows: %d of %d"
                            + " bit-identical, max relative difference %.3g, in %s%n",
                    committed,
                    n,
                    beforeRestart.size(),
                    afterRestart.size(),
                    readBack,
                    duplicates,
                    twice.identical,
                    twice.maxRelative,
                    resumed.identical,
                    afterRestart.size(),
                    resumed.maxRelative,
                    resumed.inexact);
        }
    }

    /** The offset of the first event {@link #KILL_AFTER} into the recording. */
    private static long killOffset(OfflineRun offline) {
        long t0 = offline.events.get(0).timeMicros();
        for (int i = 0; i < offline.events.size(); i++) {
            if (offline.events.get(i).timeMicros() - t0 >= KILL_AFTER.toNanos() / 1000) {
                return i;
            }
        }
        throw new IllegalStateException("the recording is shorter than " + KILL_AFTER);
    }

    /** Equal lists, or the first place where they differ. */
    private static <T> void assertSameInOrder(List<T> actual, List<T> expected, String what) {
        assertThat(actual).as(what + "s").hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i)).as("%s %d", what, i).isEqualTo(expected.get(i));
        }
    }

    /** How two equally long row lists compare: equal times and NaNs, values up to last bits. */
    private record Comparison(int identical, double maxRelative, Set<String> inexact) {}

    private static Comparison compare(
            List<FeatureRow> actual, List<FeatureRow> expected, String what) {
        assertThat(actual).as(what + " rows").hasSameSizeAs(expected);
        int identical = 0;
        double maxRelative = 0;
        Set<String> inexact = new TreeSet<>(Comparator.comparing(FeatureContract::indexOf));
        for (int i = 0; i < expected.size(); i++) {
            FeatureRow a = actual.get(i);
            FeatureRow e = expected.get(i);
            String row = what + " row " + i + " (" + e.productId() + " @ " + e.timeMicros() + ")";
            assertThat(a.productId()).as(row).isEqualTo(e.productId());
            assertThat(a.timeMicros()).as(row).isEqualTo(e.timeMicros());
            for (int k = 0; k < FeatureContract.SIZE; k++) {
                double x = a.values()[k];
                double y = e.values()[k];
                String feature = row + ", " + FeatureContract.NAMES.get(k);
                if (Double.isNaN(y)) {
                    assertThat(x).as(feature).isNaN();
                } else {
                    assertThat(x).as(feature).isCloseTo(y, within(1e-12 * Math.abs(y) + 1e-18));
                    if (Double.compare(x, y) != 0) {
                        inexact.add(FeatureContract.NAMES.get(k));
                        maxRelative = Math.max(maxRelative, Math.abs(x - y) / Math.abs(y));
                    }
                }
            }
            identical += a.equals(e) ? 1 : 0;
        }
        return new Comparison(identical, maxRelative, inexact);
    }

    private static Map<String, String> serviceConfig(String servers, Path store) {
        return Map.of(
                "kafka.bootstrap.servers",
                servers,
                // Features (and scoring) only: ingest is the replay of this test.
                "cvd.ingest.enabled",
                "false",
                "quarkus.http.port",
                "0",
                "cvd.features.store.dir",
                store.toString(),
                // The broker's minimum session: a killed member leaves the group in 6 s, not the
                // default 45 s, so the restarted one is assigned the partitions without waiting.
                "mp.messaging.incoming.raw-in.session.timeout.ms",
                "6000",
                "mp.messaging.incoming.raw-in.heartbeat.interval.ms",
                "1000");
    }

    /** The recording onto ticks.raw at {@link #SPEED}, on its own thread (not started). */
    private static Thread feed(
            KafkaProducer<String, String> producer, AtomicReference<Exception> failure) {
        Replay replay =
                new Replay(
                        SPEED,
                        new Replay.Sink() {
                            @Override
                            public void event(MarketEvent event) {
                                producer.send(
                                        new ProducerRecord<>(
                                                Topics.RAW,
                                                event.productId(),
                                                RawEventCodec.encode(event)),
                                        (metadata, e) -> {
                                            if (e != null) {
                                                failure.compareAndSet(null, e);
                                            }
                                        });
                            }

                            @Override
                            public void rejected(String reason, String line) {
                                failure.compareAndSet(
                                        null, new IllegalStateException("rejected: " + line));
                            }
                        });
        Thread t =
                new Thread(
                        () -> {
                            try {
                                new RecordingReader(FieldMapping.DEFAULT).read(RECORDING, replay);
                            } catch (Exception e) {
                                failure.compareAndSet(null, e);
                            }
                        },
                        "replay-onto-ticks.raw");
        t.setDaemon(true);
        return t;
    }

    private static KafkaProducer<String, String> producer(String servers) {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        servers,
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.LINGER_MS_CONFIG,
                        5),
                new StringSerializer(),
                new StringSerializer());
    }

    /** Waits until the service's features consumer is in its group with partitions assigned. */
    private static void awaitConsuming(Admin admin, ServiceProcess service) {
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .until(
                        () -> {
                            assertAlive(service);
                            ConsumerGroupDescription g;
                            try {
                                g =
                                        admin.describeConsumerGroups(List.of(GROUP))
                                                .describedGroups()
                                                .get(GROUP)
                                                .get(10, TimeUnit.SECONDS);
                            } catch (ExecutionException e) {
                                return false; // not created yet
                            }
                            return g.groupState() == GroupState.STABLE
                                    && g.members().stream()
                                            .anyMatch(
                                                    m ->
                                                            !m.assignment()
                                                                    .topicPartitions()
                                                                    .isEmpty());
                        });
    }

    private static void assertAlive(ServiceProcess service) {
        if (!service.isAlive()) {
            fail("the service exited; its log:%n%s", service.log());
        }
    }

    /** Records on ticks.features, all partitions. */
    private static long rowsOnTopic(Admin admin) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < 3; p++) {
            latest.put(new TopicPartition(Topics.FEATURES, p), OffsetSpec.latest());
        }
        return admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).values().stream()
                .mapToLong(ListOffsetsResultInfo::offset)
                .sum();
    }

    /** The committed offsets of the features consumer group. */
    private static Map<TopicPartition, Long> committed(Admin admin) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets =
                admin.listConsumerGroupOffsets(GROUP)
                        .partitionsToOffsetAndMetadata()
                        .get(10, TimeUnit.SECONDS);
        Map<TopicPartition, Long> result = new HashMap<>();
        offsets.forEach(
                (tp, o) -> {
                    if (o != null) {
                        result.put(tp, o.offset());
                    }
                });
        return result;
    }

    private static List<FeatureRow> rowsOnTicksFeatures(String servers) {
        List<FeatureRow> rows = new ArrayList<>();
        for (ConsumerRecord<String, String> r :
                TopicContents.readAll(servers, Topics.FEATURES, READ)) {
            rows.add(FeatureRowCodec.decode(r.value()));
        }
        return rows;
    }
}
