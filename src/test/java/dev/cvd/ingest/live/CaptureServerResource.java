package dev.cvd.ingest.live;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Starts a {@link CaptureServer} for a {@code @QuarkusTest} and points the Coinbase source at it,
 * with short watchdog, backoff and spacing so that faults recover in test time, and recording on.
 */
public class CaptureServerResource implements QuarkusTestResourceLifecycleManager {

    static volatile CaptureServer server;
    static volatile Path recordDir;

    @Override
    public Map<String, String> start() {
        server = new CaptureServer();
        try {
            recordDir = Files.createTempDirectory("cvd-coinbase-record");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "cvd.coinbase.url", "ws://localhost:" + server.port(),
                "cvd.coinbase.watchdog", "PT3S",
                "cvd.coinbase.subscribe-spacing", "PT0.02S",
                "cvd.coinbase.backoff-initial", "PT0.05S",
                "cvd.coinbase.backoff-max", "PT0.4S",
                "cvd.coinbase.record-dir", recordDir.toString());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
