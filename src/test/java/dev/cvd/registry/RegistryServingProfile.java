package dev.cvd.registry;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;

/**
 * The service follows {@code models:/cvd-serve@champion} on the test MLflow server, whose version 1
 * is registered here before the application starts; the registry is asked every 200 ms.
 */
public class RegistryServingProfile implements QuarkusTestProfile {

    static final String MODEL = "cvd-serve";
    static final String URI = "models:/" + MODEL + "@champion";

    @Override
    public Map<String, String> getConfigOverrides() {
        MlflowServer server = MlflowServer.shared();
        try {
            MlflowClient client = server.client();
            if (client.getModelVersionByAlias(MODEL, "champion").isEmpty()) {
                RegistryFixtures.register(client, MODEL, "1", 21, 0.30, false);
            }
            return Map.of(
                    "cvd.scoring.model-uri",
                    URI,
                    "cvd.mlflow.tracking-uri",
                    server.uri(),
                    "cvd.scoring.cache-dir",
                    Files.createTempDirectory("cvd-model-cache").toString(),
                    "cvd.scoring.registry-interval",
                    "PT0.2S");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
