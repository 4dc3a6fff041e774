package dev.cvd.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cvd.market.Topics;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/**
 * The service with no {@code kafka.bootstrap.servers} starts its own embedded broker and creates
 * the cvd topics on it, the derived ones bounded by size and the others not.
 */
@QuarkusTest
@TestProfile(EmbeddedBrokerTopicsTest.Profile.class)
class EmbeddedBrokerTopicsTest {

    /** The embedded broker of the service itself, on a free port in a temporary folder. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try (ServerSocket socket = new ServerSocket(0)) {
                return Map.of(
                        "cvd.kafka.embedded.enabled", "true",
                        "cvd.kafka.embedded.port", Integer.toString(socket.getLocalPort()),
                        "cvd.kafka.embedded.dir",
                                Files.createTempDirectory("cvd-embedded-topics").toString(),
                        "cvd.kafka.embedded.derived-retention-bytes", "8388608",
                        "quarkus.http.test-port", "0");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Inject KafkaPlatform kafka;

    @Test
    void theDerivedTopicsAreCreatedBoundedBySizeAndTheOthersAreNot() throws Exception {
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                kafka.bootstrapServers()))) {
            Map<String, Config> configs =
                    admin
                            .describeConfigs(
                                    List.of(
                                            topic(Topics.RAW),
                                            topic(Topics.FEATURES),
                                            topic(Topics.PREDICTIONS),
                                            topic(Topics.DLQ)))
                            .all()
                            .get(30, TimeUnit.SECONDS)
                            .entrySet()
                            .stream()
                            .collect(Collectors.toMap(e -> e.getKey().name(), Map.Entry::getValue));
            for (String derived : List.of(Topics.FEATURES, Topics.PREDICTIONS)) {
                assertThat(value(configs, derived, "retention.bytes")).isEqualTo("8388608");
                assertThat(value(configs, derived, "segment.bytes")).isEqualTo("2097152");
            }
            for (String kept : List.of(Topics.RAW, Topics.DLQ)) {
                assertThat(value(configs, kept, "retention.bytes")).isEqualTo("-1");
                assertThat(value(configs, kept, "segment.bytes")).isEqualTo("1073741824");
            }
        }
    }

    private static ConfigResource topic(String name) {
        return new ConfigResource(ConfigResource.Type.TOPIC, name);
    }

    private static String value(Map<String, Config> configs, String topic, String key) {
        return configs.get(topic).get(key).value();
    }
}
