package dev.cvd.cli;

import dev.cvd.ingest.FieldMapping;
import dev.cvd.ingest.Passes;
import dev.cvd.ingest.RecordingReader;
import dev.cvd.ingest.RejectTally;
import dev.cvd.ingest.Replay;
import dev.cvd.market.JsonBytes;
import dev.cvd.market.MarketEvent;
import dev.cvd.market.RawEventCodec;
import dev.cvd.market.Topics;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cvd replay}: publishes recordings onto {@code ticks.raw} with their original timing
 * divided by a speed factor, or as fast as possible. Lines that cannot be decoded go to {@code
 * ticks.dlq} with their reason. The producer is idempotent with {@code acks=all}; the command ends
 * after every record is acknowledged.
 */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description =
                "Publishes recordings onto ticks.raw with their original timing divided by N, or as"
                        + " fast as possible.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            "0:every event was published",
            "1:some records were not acknowledged by Kafka",
            "2:bad arguments, or Kafka unreachable"
        })
public class ReplayCommand implements Callable<Integer> {

    private static final String NAME = "cvd replay";

    @Spec CommandSpec spec;

    @Parameters(
            paramLabel = "RECORDING",
            arity = "1..*",
            description = "Recording files, plain or gzip, played in this order as one stream.")
    List<Path> recordings = new ArrayList<>();

    @Option(
            names = "--speed",
            paramLabel = "N|max",
            defaultValue = "1",
            description = "Divide the recording's inter-event times by N, or max (default: 1).")
    String speed;

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT",
            defaultValue = "localhost:9092",
            description =
                    "Kafka to publish to (default: ${DEFAULT-VALUE}, where cvd serve's"
                            + " embedded broker listens).")
    String bootstrapServers;

    @Option(
            names = "--topic",
            defaultValue = Topics.RAW,
            description = "Topic of the events (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(
            names = "--dlq-topic",
            defaultValue = Topics.DLQ,
            description = "Topic of undecodable lines (default: ${DEFAULT-VALUE}).")
    String dlqTopic;

    @Option(
            names = "--repeat",
            paramLabel = "N",
            defaultValue = "1",
            description =
                    "Play the recordings N times as one stream, each pass shifted in time past the"
                            + " previous one (default: 1).")
    int repeat;

    @Mixin RecordingOptions recordingOptions = new RecordingOptions();

    @Option(
            names = {"-q", "--quiet"},
            description = "No progress and no summary.")
    boolean quiet;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            return run(err);
        } finally {
            err.flush();
        }
    }

    private int run(PrintWriter err) {
        double factor;
        FieldMapping mapping;
        try {
            factor = Replay.parseSpeed(speed);
            mapping = recordingOptions.mapping();
            if (repeat < 1) {
                throw new IllegalArgumentException("--repeat must be at least 1, got " + repeat);
            }
        } catch (IllegalArgumentException e) {
            err.println(NAME + ": " + e.getMessage());
            return 2;
        }
        String unreadable = RecordingOptions.firstUnreadable(recordings);
        if (unreadable != null) {
            err.println(NAME + ": " + unreadable);
            return 2;
        }
        long totalBytes = RecordingOptions.totalBytes(recordings) * repeat;
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Map<String, Long> failures = new ConcurrentHashMap<>();
        long start = System.nanoTime();
        KafkaProducer<String, byte[]> created;
        try {
            created = producer();
        } catch (KafkaException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            err.println(
                    NAME
                            + ": bad --bootstrap-servers '"
                            + bootstrapServers
                            + "': "
                            + cause.getMessage());
            return 2;
        }
        try (KafkaProducer<String, byte[]> producer = created) {
            try {
                producer.partitionsFor(topic);
            } catch (RuntimeException e) {
                err.println(
                        NAME
                                + ": cannot reach Kafka at "
                                + bootstrapServers
                                + " (is cvd serve running, or --bootstrap-servers right?): "
                                + e.getMessage());
                return 2;
            }
            org.apache.kafka.clients.producer.Callback callback =
                    (metadata, e) -> {
                        if (e == null) {
                            acked.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                            failures.merge(e.getClass().getSimpleName(), 1L, Long::sum);
                        }
                    };
            Passes passes = new Passes();
            JsonBytes text = new JsonBytes(256);
            Replay replay =
                    new Replay(
                            factor,
                            new Replay.Sink() {
                                @Override
                                public void event(MarketEvent event) {
                                    producer.send(
                                            new ProducerRecord<>(
                                                    topic,
                                                    event.productId(),
                                                    RawEventCodec.write(text.clear(), event)
                                                            .toBytes()),
                                            callback);
                                }

                                @Override
                                public void rejected(String reason, String line) {
                                    RecordHeaders headers = new RecordHeaders();
                                    headers.add(Topics.DLQ_REASON_HEADER, utf8(reason));
                                    headers.add(Topics.DLQ_STAGE_HEADER, utf8("replay"));
                                    producer.send(
                                            new ProducerRecord<>(
                                                    dlqTopic,
                                                    null,
                                                    null,
                                                    null,
                                                    utf8(line),
                                                    headers),
                                            callback);
                                }
                            });
            // Shifted before the pacing, so that every pass keeps the original timing.
            RejectTally tally = new RejectTally(passes.around(replay));
            RecordingStream stream = new RecordingStream(new RecordingReader(mapping));
            Progress progress = quiet ? null : new Progress(err, "lines", totalBytes);
            for (int pass = 0; pass < repeat; pass++) {
                stream.readAll(recordings, tally, progress);
                if (!passes.next()) {
                    break; // nothing with a time: another pass would not move forward
                }
            }
            if (progress != null) {
                progress.finish();
            }
            producer.flush();
            double seconds = (System.nanoTime() - start) / 1e9;
            for (RecordingStream.Damaged d : stream.damaged()) {
                err.printf(
                        "%s: warning: %s is damaged; replayed its first %,d lines (%s)%n",
                        NAME, d.file(), d.lines(), d.error());
            }
            if (!quiet) {
                long events = tally.quotes() + tally.trades() + tally.bookUpdates();
                err.printf(
                        Locale.ROOT,
                        "%s: %,d events (%,d quotes, %,d trades, %,d book updates) from %,d lines"
                                + " of %d file(s)%s onto %s at %s in %.1f s (%,.0f events/s)%n",
                        NAME,
                        events,
                        tally.quotes(),
                        tally.trades(),
                        tally.bookUpdates(),
                        stream.lines(),
                        recordings.size(),
                        repeat > 1 ? " played " + repeat + " times" : "",
                        topic,
                        bootstrapServers,
                        seconds,
                        events / seconds);
                err.printf(
                        "  rejected to %s: %s%n  ignored: %s%n",
                        dlqTopic,
                        FeaturesSummary.byReason(tally.rejected()),
                        FeaturesSummary.byReason(tally.ignored()));
            }
        }
        if (failed.get() > 0) {
            err.printf(
                    "%s: %,d records were not acknowledged by Kafka: %s%n",
                    NAME, failed.get(), failures);
            return 1;
        }
        return 0;
    }

    private KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.LINGER_MS_CONFIG,
                        5,
                        // Large batches at full speed: fewer requests for the broker to handle.
                        ProducerConfig.BATCH_SIZE_CONFIG,
                        256 * 1024,
                        ProducerConfig.MAX_BLOCK_MS_CONFIG,
                        (int) Duration.ofSeconds(10).toMillis(),
                        ProducerConfig.CLIENT_ID_CONFIG,
                        "cvd-replay"),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
