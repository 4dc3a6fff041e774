package dev.cvd.kafka;

import dev.cvd.market.Topics;
import io.quarkus.runtime.ImageMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * The Kafka cvd talks to: an external cluster when {@code kafka.bootstrap.servers} is set,
 * otherwise an {@link EmbeddedKafkaBroker} started here before the messaging channels connect. Also
 * creates the cvd topics and answers health questions about the broker.
 *
 * <p>Start-up runs before the reactive messaging connectors (a lower observer priority); the
 * embedded broker stops after them (a later {@code BeforeDestroyed} observer), so the connectors
 * can flush and commit on shutdown.
 */
@ApplicationScoped
public class KafkaPlatform {

    private static final Logger LOG = Logger.getLogger(KafkaPlatform.class);
    private static final List<String> TOPICS =
            List.of(Topics.RAW, Topics.FEATURES, Topics.PREDICTIONS, Topics.DLQ);

    /** Segments of a size-bounded topic: small, so that the oldest go soon past the bound. */
    private static final long SEGMENT_BYTES = 64L << 20;

    /** Kafka's smallest segment. */
    private static final long MIN_SEGMENT_BYTES = 1L << 20;

    private final KafkaSettings settings;
    private final Optional<String> configuredServers;
    private volatile EmbeddedKafkaBroker embedded;
    private volatile Admin admin;

    public KafkaPlatform(KafkaSettings settings, Config config) {
        this.settings = settings;
        this.configuredServers = config.getOptionalValue("kafka.bootstrap.servers", String.class);
    }

    void onStart(@Observes @Priority(10) StartupEvent event) {
        boolean startEmbedded = settings.embedded().enabled().orElse(configuredServers.isEmpty());
        if (startEmbedded && ImageMode.current() == ImageMode.NATIVE_RUN) {
            throw new IllegalStateException(
                    "the embedded Kafka broker is not part of the native executable: set"
                            + " kafka.bootstrap.servers (KAFKA_BOOTSTRAP_SERVERS) to a Kafka"
                            + " cluster");
        }
        if (startEmbedded && settings.embedded().port() <= 0) {
            throw new IllegalStateException(
                    "cvd.kafka.embedded.port must be a port number: the channels connect to it");
        }
        if (startEmbedded) {
            long t0 = System.nanoTime();
            embedded =
                    EmbeddedKafkaBroker.start(
                            Path.of(settings.embedded().dir()),
                            settings.embedded().port(),
                            settings.embedded().cleanStart(),
                            settings.partitions());
            LOG.infof(
                    "embedded Kafka broker up at %s in %d ms (data in %s)",
                    embedded.bootstrapServers(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
                    embedded.dataDir());
        }
        if (settings.createTopics() && (embedded != null || configuredServers.isPresent())) {
            createTopics();
        }
    }

    void onStop(@Observes @Priority(5000) @BeforeDestroyed(ApplicationScoped.class) Object event) {
        Admin a = admin;
        if (a != null) {
            a.close(Duration.ofSeconds(2));
            admin = null;
        }
        EmbeddedKafkaBroker b = embedded;
        if (b != null) {
            b.close();
            embedded = null;
        }
    }

    /** The bootstrap servers in use. */
    public String bootstrapServers() {
        EmbeddedKafkaBroker b = embedded;
        return b != null
                ? b.bootstrapServers()
                : configuredServers.orElse("localhost:" + settings.embedded().port());
    }

    /** Whether the broker runs inside this process. */
    public boolean isEmbedded() {
        return embedded != null;
    }

    /**
     * Asks the cluster for its nodes.
     *
     * @return the number of brokers that answered
     * @throws Exception with the reason when the cluster does not answer within the timeout
     */
    public int describeCluster(Duration timeout) throws Exception {
        try {
            return admin().describeCluster(
                            new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .nodes()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .size();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception c ? c : e;
        }
    }

    private void createTopics() {
        try {
            Set<String> existing = admin().listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : TOPICS) {
                if (!existing.contains(topic)) {
                    missing.add(
                            new NewTopic(topic, settings.partitions(), settings.replicationFactor())
                                    .configs(
                                            topicConfigs(
                                                    topic,
                                                    embedded != null,
                                                    settings.embedded().derivedRetentionBytes())));
                }
            }
            if (!missing.isEmpty()) {
                admin().createTopics(missing).all().get(30, TimeUnit.SECONDS);
                LOG.infof("created topics %s", missing.stream().map(NewTopic::name).toList());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "cannot create the cvd topics on " + bootstrapServers() + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * The configuration a cvd topic is created with: on the embedded broker, the derived topics
     * keep {@code retentionBytes} per partition (unless it is 0 or less), in segments of a quarter
     * of that, within [1 MiB, 64 MiB]; everything else takes the cluster's defaults.
     */
    static Map<String, String> topicConfigs(
            String topic, boolean embeddedBroker, long retentionBytes) {
        boolean derived = topic.equals(Topics.FEATURES) || topic.equals(Topics.PREDICTIONS);
        if (!embeddedBroker || !derived || retentionBytes <= 0) {
            return Map.of();
        }
        long segment = Math.max(MIN_SEGMENT_BYTES, Math.min(SEGMENT_BYTES, retentionBytes / 4));
        return Map.of(
                TopicConfig.RETENTION_BYTES_CONFIG,
                Long.toString(retentionBytes),
                TopicConfig.SEGMENT_BYTES_CONFIG,
                Long.toString(segment));
    }

    private synchronized Admin admin() {
        if (admin == null) {
            admin =
                    Admin.create(
                            Map.of(
                                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                    bootstrapServers(),
                                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                                    10_000,
                                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                                    30_000));
        }
        return admin;
    }
}
