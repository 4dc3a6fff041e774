package dev.cvd.deploy;

import dev.cvd.kafka.EmbeddedKafkaBroker;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs the packaged application as {@code cvd serve}, with its Kafka.
 *
 * <p>On the JVM artifact the application starts its own embedded broker, on a free port in a
 * temporary folder: the one-command default, with the Kafka server jars of the packaged
 * application. The native executable has no embedded broker ({@code cvd.it.broker=external}, set by
 * the native profile): the broker then runs here, in the test JVM, and the executable connects to
 * it.
 *
 * <p>The properties reach the launched application as system properties. The picocli top command is
 * {@code serve}, since an integration test launches the artifact without program arguments.
 */
public class ServiceBrokerResource implements QuarkusTestResourceLifecycleManager {

    private EmbeddedKafkaBroker broker;

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.profile", "prod");
        config.put("quarkus.picocli.top-command", "dev.cvd.cli.ServeCommand");
        // The launcher learns the HTTP port from the "Listening on" line of the log.
        config.put("quarkus.log.category.\"io.quarkus\".level", "INFO");
        try {
            Path dir = Files.createTempDirectory("cvd-it");
            config.put("cvd.features.store.dir", dir.resolve("features").toString());
            if ("external".equals(System.getProperty("cvd.it.broker"))) {
                broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0, true, 3);
                config.put("kafka.bootstrap.servers", broker.bootstrapServers());
            } else {
                int port = freePort();
                config.put("cvd.kafka.embedded.enabled", "true");
                config.put("cvd.kafka.embedded.port", Integer.toString(port));
                config.put("cvd.kafka.embedded.dir", dir.resolve("kafka").toString());
                config.put("kafka.bootstrap.servers", "localhost:" + port);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return config;
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
