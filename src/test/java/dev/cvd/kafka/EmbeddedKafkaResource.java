package dev.cvd.kafka;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;

/**
 * A real single-node KRaft broker for {@code @QuarkusTest}s, on a free port in a temporary folder:
 * the same {@link EmbeddedKafkaBroker} that {@code cvd serve} runs, handed to the application as an
 * external cluster through {@code kafka.bootstrap.servers}. A test field annotated {@link
 * InjectEmbeddedKafka} receives the broker (a test that stops it should have the resource to
 * itself: {@code scope = TestResourceScope.RESTRICTED_TO_CLASS}).
 */
public class EmbeddedKafkaResource implements QuarkusTestResourceLifecycleManager {

    private EmbeddedKafkaBroker broker;

    @Override
    public Map<String, String> start() {
        try {
            broker =
                    EmbeddedKafkaBroker.start(
                            Files.createTempDirectory("cvd-test-kafka"), 0, true, 3);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("kafka.bootstrap.servers", broker.bootstrapServers());
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(
                broker,
                new TestInjector.AnnotatedAndMatchesType(
                        InjectEmbeddedKafka.class, EmbeddedKafkaBroker.class));
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
        }
    }
}
