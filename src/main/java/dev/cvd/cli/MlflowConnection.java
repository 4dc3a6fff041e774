package dev.cvd.cli;

import dev.cvd.registry.MlflowConfig;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The MLflow tracking server of the commands and the service: a command-line value first, then
 * {@code cvd.mlflow.tracking-uri} (application.properties, {@code CVD_MLFLOW_TRACKING_URI}), then
 * {@code MLFLOW_TRACKING_URI}. Credentials: {@code cvd.mlflow.username}/{@code password} or {@code
 * token}, else {@code MLFLOW_TRACKING_USERNAME}/{@code PASSWORD} or {@code MLFLOW_TRACKING_TOKEN}.
 */
final class MlflowConnection {

    static final String URI_KEY = "cvd.mlflow.tracking-uri";

    private MlflowConnection() {}

    /**
     * @param explicitUri the {@code --tracking-uri} value, or null
     * @return the server, or empty when none is configured
     * @throws IllegalArgumentException when the URI is not an http(s) URL
     */
    static Optional<MlflowConfig> resolve(String explicitUri) {
        Config config = ConfigProvider.getConfig();
        return MlflowConfig.resolve(
                Optional.ofNullable(explicitUri).or(() -> value(config, URI_KEY)),
                value(config, "cvd.mlflow.username"),
                value(config, "cvd.mlflow.password"),
                value(config, "cvd.mlflow.token"),
                System.getenv());
    }

    private static Optional<String> value(Config config, String key) {
        return config.getOptionalValue(key, String.class).filter(s -> !s.isBlank());
    }
}
