package dev.cvd.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka broker in KRaft mode (combined broker and controller) running inside
 * this JVM, from the same Kafka version as the client. It exists so that cvd runs on a machine with
 * nothing but a JDK; production deployments point {@code kafka.bootstrap.servers} at a cluster.
 *
 * <p>The broker listens on {@code localhost} only. Its log directory is formatted on first start;
 * with {@code cleanStart} the directory is wiped first so every start is a fresh cluster. A broker
 * can be {@linkplain #stop() stopped} and {@linkplain #restart() restarted} on the same ports and
 * log directory, keeping its topics, records, producer state and committed offsets: what a broker
 * outage looks like to the clients. Not thread-safe: start, stop and close from one thread.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private final Path dataDir;
    private final int port;
    private final Properties props;
    private KafkaRaftServer server;

    private EmbeddedKafkaBroker(Path dataDir, int port, Properties props) {
        this.dataDir = dataDir;
        this.port = port;
        this.props = props;
    }

    /**
     * Formats (if needed) and starts a broker. Returns when the broker accepts connections.
     *
     * @param dataDir log directory, created if missing
     * @param port client port on localhost, 0 for a free one
     * @param cleanStart wipe {@code dataDir} first
     * @param partitions default partition count of auto-created topics
     * @throws IllegalStateException with a message that says why, e.g. the port is in use
     */
    public static EmbeddedKafkaBroker start(
            Path dataDir, int port, boolean cleanStart, int partitions) {
        try {
            int clientPort = port == 0 ? freePort() : port;
            if (!isFree(clientPort)) {
                throw new IllegalStateException(
                        "the embedded Kafka broker cannot listen on port "
                                + clientPort
                                + ": it is in use (another cvd serve?). Set kafka.bootstrap.servers"
                                + " to use the broker that runs there, or cvd.kafka.embedded.port"
                                + " to another port");
            }
            if (cleanStart) {
                wipe(dataDir);
            }
            Files.createDirectories(dataDir);
            int controllerPort = freePort();
            Properties props = properties(dataDir, clientPort, controllerPort, partitions);
            Path file = dataDir.resolve("server.properties");
            try (OutputStream out = Files.newOutputStream(file)) {
                props.store(out, "embedded single-node KRaft broker of cvd");
            }
            format(file, dataDir);
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dataDir, clientPort, props);
            broker.startServer();
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("embedded Kafka broker in " + dataDir, e);
        }
    }

    private void startServer() {
        KafkaRaftServer s = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        try {
            s.startup();
        } catch (RuntimeException e) {
            s.shutdown();
            s.awaitShutdown();
            throw e;
        }
        server = s;
    }

    /** {@code localhost:port}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return "localhost:" + port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Whether the broker is running (started and neither stopped nor closed). */
    public boolean isRunning() {
        return server != null;
    }

    /**
     * Stops the broker (a controlled shutdown) and waits for it to finish, keeping its log
     * directory for {@link #restart()}. Does nothing if it is not running.
     */
    public void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    /**
     * Starts a stopped broker again on the same client and controller ports and log directory: the
     * same cluster, with its topics, records, idempotent-producer state and committed offsets.
     * Returns when the broker accepts connections.
     *
     * @throws IllegalStateException if the broker is running, or its port has been taken meanwhile
     */
    public void restart() {
        if (server != null) {
            throw new IllegalStateException("the embedded Kafka broker is running");
        }
        if (!isFree(port)) {
            throw new IllegalStateException(
                    "the embedded Kafka broker cannot listen on port "
                            + port
                            + " again: it has been taken while the broker was stopped");
        }
        startServer();
    }

    /** Stops the broker and waits for it to finish. */
    @Override
    public void close() {
        stop();
    }

    private static Properties properties(
            Path dataDir, int clientPort, int controllerPort, int partitions) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@localhost:" + controllerPort);
        p.setProperty(
                "listeners",
                "PLAINTEXT://localhost:"
                        + clientPort
                        + ",CONTROLLER://localhost:"
                        + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://localhost:" + clientPort);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", dataDir.toAbsolutePath().toString());
        p.setProperty("num.partitions", Integer.toString(partitions));
        // One node: every internal topic has one replica, and few partitions start faster.
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "5");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "5");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // A topic's size bound (KafkaPlatform gives the derived topics one) takes effect within a
        // second, and a deleted segment's file is removed a second later rather than a minute:
        // the kernel then reuses its page-cache pages for the newest records, where writing into
        // pages never used before costs several times more on some machines (README,
        // performance).
        p.setProperty("log.initial.task.delay.ms", "1000");
        p.setProperty("log.retention.check.interval.ms", "1000");
        p.setProperty("log.segment.delete.delay.ms", "1000");
        return p;
    }

    private static void format(Path propertiesFile, Path dataDir) {
        if (Files.exists(dataDir.resolve("meta.properties"))) {
            return;
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int rc;
        try (PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8)) {
            rc =
                    StorageTool.execute(
                            new String[] {
                                "format",
                                "-t",
                                Uuid.randomUuid().toString(),
                                "-c",
                                propertiesFile.toString(),
                                "--ignore-formatted"
                            },
                            out);
        }
        if (rc != 0) {
            throw new IllegalStateException(
                    "formatting the embedded Kafka log directory failed: "
                            + log.toString(StandardCharsets.UTF_8).strip());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, null)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("localhost", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Empties a broker log folder. Refuses a folder that holds anything but a broker's files, so a
     * mistaken setting cannot delete other data.
     */
    private static void wipe(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        boolean empty;
        try (Stream<Path> entries = Files.list(dir)) {
            empty = entries.findAny().isEmpty();
        }
        if (!empty && !Files.exists(dir.resolve("meta.properties"))) {
            throw new IllegalStateException(
                    "refusing to wipe "
                            + dir
                            + " for the embedded Kafka broker: it is not a broker's log folder;"
                            + " set cvd.kafka.embedded.dir to an empty or broker folder");
        }
        deleteRecursively(dir);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
