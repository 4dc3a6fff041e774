package dev.cvd;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The packaged application ({@code quarkus-artifact.properties} of the build: the fast-jar, or the
 * native executable under {@code -Pnative}) running {@code cvd serve} as a child process, with its
 * output in a log file. {@link #kill()} is a real kill (SIGKILL): no shutdown hook runs, nothing is
 * flushed or committed.
 */
final class ServiceProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private ServiceProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code cvd serve} with these configuration properties (as system properties) in the
     * project folder, output appended to {@code log}.
     */
    static ServiceProcess serve(Map<String, String> config, Path log) throws IOException {
        Path buildDir = buildDir();
        Properties artifact = new Properties();
        try (InputStream in =
                Files.newInputStream(buildDir.resolve("quarkus-artifact.properties"))) {
            artifact.load(in);
        }
        Path path = buildDir.resolve(artifact.getProperty("path"));
        List<String> command = new ArrayList<>();
        boolean jar = "jar".equals(artifact.getProperty("type"));
        if (jar) {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        } else {
            command.add(path.toString());
        }
        config.forEach((k, v) -> command.add("-D" + k + "=" + v));
        if (jar) {
            command.add("-jar");
            command.add(path.toString());
        }
        command.add("serve");
        Process p =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
        return new ServiceProcess(p, log);
    }

    /** The build folder: where the test classes were compiled to, one level up. */
    private static Path buildDir() {
        try {
            return Path.of(
                            ServiceProcess.class
                                    .getProtectionDomain()
                                    .getCodeSource()
                                    .getLocation()
                                    .toURI())
                    .getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, and waits until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the killed service is still running");
        }
    }

    /** The log so far, for failure messages and for what the service reported. */
    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
