package dev.cvd.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real MLflow tracking server for the tests, one per test JVM: installed once into a
 * project-local virtual environment ({@code .cache/mlflow-venv}, reused while it holds the pinned
 * packages), started on a free port with a SQLite backend and proxied artifacts in a temporary
 * folder, and stopped when the JVM exits. Tests can stop and restart it (same port, same data) to
 * see what happens while it is away.
 *
 * <p>Needs {@code python3} with the {@code venv} module; without it, tests fail with how to install
 * it. The first install downloads MLflow from PyPI and takes minutes.
 *
 * <p>The server's process id, port and data folder are kept in system properties, so that the
 * Quarkus test class loader and the plain JUnit one share the same server.
 */
public final class MlflowServer {

    /** The pinned packages: the MLflow release and a SQLAlchemy its SQLite store works with. */
    public static final List<String> PACKAGES = List.of("mlflow==2.22.4", "sqlalchemy<2.1");

    private static final String PID = "cvd.test.mlflow.pid";
    private static final String PORT = "cvd.test.mlflow.port";
    private static final String DATA = "cvd.test.mlflow.data";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final int port;
    private final Path data;

    private MlflowServer(int port, Path data) {
        this.port = port;
        this.data = data;
    }

    /** The server of this JVM, installed and started on first use. */
    public static MlflowServer shared() {
        synchronized (System.getProperties()) {
            String port = System.getProperty(PORT);
            if (port != null) {
                return new MlflowServer(Integer.parseInt(port), Path.of(System.getProperty(DATA)));
            }
            try {
                Path mlflow = install();
                Path data = Files.createTempDirectory("cvd-mlflow-");
                MlflowServer server = new MlflowServer(freePort(), data);
                System.setProperty(PORT, Integer.toString(server.port));
                System.setProperty(DATA, data.toString());
                System.setProperty("cvd.test.mlflow.bin", mlflow.toString());
                Runtime.getRuntime()
                        .addShutdownHook(new Thread(MlflowServer::stopCurrent, "mlflow-stop"));
                server.start();
                return server;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * @return the tracking URI, {@code http://127.0.0.1:PORT}
     */
    public String uri() {
        return "http://127.0.0.1:" + port;
    }

    /**
     * @return a client of this server
     */
    public MlflowClient client() {
        return new MlflowClient(MlflowConfig.of(uri()));
    }

    /** Starts the server (again) on its port with its data, and waits until it answers. */
    public void start() {
        synchronized (System.getProperties()) {
            if (System.getProperty(PID) != null) {
                return;
            }
            Path log = data.resolve("server.log");
            List<String> cmd =
                    List.of(
                            System.getProperty("cvd.test.mlflow.bin"),
                            "server",
                            "--backend-store-uri",
                            "sqlite:///" + data.resolve("mlflow.db").toAbsolutePath(),
                            "--artifacts-destination",
                            data.resolve("artifacts").toAbsolutePath().toString(),
                            "--host",
                            "127.0.0.1",
                            "--port",
                            Integer.toString(port),
                            "--workers",
                            "1");
            Process p;
            try {
                p =
                        new ProcessBuilder(cmd)
                                .redirectErrorStream(true)
                                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                                .start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            System.setProperty(PID, Long.toString(p.pid()));
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            HttpClient http = HttpClient.newHttpClient();
            while (System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    System.clearProperty(PID);
                    throw new IllegalStateException(
                            "mlflow server exited with " + p.exitValue() + ":\n" + tail(log));
                }
                try {
                    HttpResponse<String> r =
                            http.send(
                                    HttpRequest.newBuilder(URI.create(uri() + "/health"))
                                            .timeout(Duration.ofSeconds(2))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // Not listening yet.
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                sleep(250);
            }
            stop();
            throw new IllegalStateException(
                    "mlflow server did not answer /health within "
                            + START_TIMEOUT
                            + ":\n"
                            + tail(log));
        }
    }

    /** Stops the server and its workers; {@link #start()} brings it back with the same data. */
    public void stop() {
        stopCurrent();
    }

    private static void stopCurrent() {
        synchronized (System.getProperties()) {
            String pid = System.getProperty(PID);
            if (pid == null) {
                return;
            }
            System.clearProperty(PID);
            Optional<ProcessHandle> h = ProcessHandle.of(Long.parseLong(pid));
            if (h.isEmpty()) {
                return;
            }
            List<ProcessHandle> all = new ArrayList<>(h.get().descendants().toList());
            all.add(h.get());
            all.forEach(ProcessHandle::destroy);
            for (ProcessHandle p : all) {
                try {
                    p.onExit().get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    p.destroyForcibly();
                }
            }
        }
    }

    /** The {@code mlflow} executable of the project's virtual environment, installed if needed. */
    static Path install() throws IOException {
        Path root = projectRoot();
        Path venv = root.resolve(".cache/mlflow-venv");
        Path bin = venv.resolve(isWindows() ? "Scripts" : "bin");
        Path mlflow = bin.resolve(isWindows() ? "mlflow.exe" : "mlflow");
        Path marker = venv.resolve("cvd-packages.txt");
        String wanted = String.join(" ", PACKAGES);
        if (Files.isExecutable(mlflow)
                && Files.isRegularFile(marker)
                && Files.readString(marker).trim().equals(wanted)) {
            return mlflow;
        }
        String python = isWindows() ? "python" : "python3";
        try {
            run(List.of(python, "--version"), Duration.ofSeconds(30));
        } catch (IOException e) {
            throw new IllegalStateException(
                    "The MLflow tests start a real MLflow server and need Python 3 with venv and"
                            + " pip: install it (Debian/Ubuntu: sudo apt-get install python3"
                            + " python3-venv; macOS: brew install python; Windows: python.org),"
                            + " then run the tests again. ("
                            + e.getMessage()
                            + ")");
        }
        Files.createDirectories(venv.getParent());
        if (!Files.isExecutable(bin.resolve(isWindows() ? "python.exe" : "python"))) {
            run(List.of(python, "-m", "venv", venv.toString()), Duration.ofMinutes(5));
        }
        List<String> pip = new ArrayList<>();
        pip.add(bin.resolve(isWindows() ? "python.exe" : "python").toString());
        pip.addAll(List.of("-m", "pip", "install", "--disable-pip-version-check", "-q"));
        pip.addAll(PACKAGES);
        run(pip, Duration.ofMinutes(20));
        Files.writeString(marker, wanted + "\n");
        return mlflow;
    }

    private static void run(List<String> cmd, Duration timeout) throws IOException {
        Path out = Files.createTempFile("cvd-mlflow-install", ".log");
        try {
            Process p =
                    new ProcessBuilder(cmd)
                            .redirectErrorStream(true)
                            .redirectOutput(out.toFile())
                            .start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(
                        String.join(" ", cmd) + " took longer than " + timeout + ":\n" + tail(out));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(
                        String.join(" ", cmd)
                                + " failed ("
                                + p.exitValue()
                                + "); on Debian/Ubuntu the venv module is the python3-venv"
                                + " package:\n"
                                + tail(out));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    static Path projectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("pom.xml"))
                    && Files.isRegularFile(d.resolve("mvnw"))) {
                return d;
            }
        }
        return dir;
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase().startsWith("windows");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
