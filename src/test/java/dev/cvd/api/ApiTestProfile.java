package dev.cvd.api;

import dev.cvd.scoring.stage.TestBundles;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The API tests' configuration: a model bundle trained for them (version 1 of {@link TestBundles}),
 * an admin token, and no reloads by polling during the tests.
 */
public class ApiTestProfile implements QuarkusTestProfile {

    static final String ADMIN_TOKEN = "s3cret-admin-token";

    private static Path bundle;

    /** The bundle folder, created and filled on first use. */
    static synchronized Path bundle() {
        if (bundle == null) {
            try {
                bundle = Files.createTempDirectory("cvd-api-test").resolve("model");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            TestBundles.write(bundle, "1", 7);
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
                "PT1H");
    }
}
