package dev.cvd.api;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The hot-reload test's configuration: a bundle folder that does not exist yet (the service starts
 * with no model), polled every 100 ms.
 */
public class ReloadTestProfile implements QuarkusTestProfile {

    static final String ADMIN_TOKEN = "reload-token";

    private static Path bundle;

    /** The bundle folder; the test creates and changes it. */
    static synchronized Path bundle() {
        if (bundle == null) {
            try {
                bundle = Files.createTempDirectory("cvd-reload-test").resolve("model");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return bundle;
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "cvd.scoring.model-dir",
                bundle().toString(),
                "cvd.scoring.admin-token",
                ADMIN_TOKEN,
                "cvd.scoring.reload-interval",
                "PT0.1S");
    }
}
