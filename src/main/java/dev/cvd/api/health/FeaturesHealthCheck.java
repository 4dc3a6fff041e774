package dev.cvd.api.health;

import dev.cvd.features.stage.FeaturesSettings;
import dev.cvd.features.stage.FeaturesStage;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** DOWN when the Parquet feature store cannot write; counts of the stage otherwise. */
@Readiness
@ApplicationScoped
public class FeaturesHealthCheck implements HealthCheck {

    private final FeaturesStage stage;
    private final FeaturesSettings settings;

    public FeaturesHealthCheck(FeaturesStage stage, FeaturesSettings settings) {
        this.stage = stage;
        this.settings = settings;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("features");
        if (!settings.enabled()) {
            return response.withData("state", "disabled in this instance").up().build();
        }
        response.withData("events_processed", stage.eventsProcessed())
                .withData("rows_emitted", stage.rowsEmitted());
        String failure = stage.storeFailure();
        if (failure != null) {
            return response.withData("reason", "feature store: " + failure).down().build();
        }
        return response.up().build();
    }
}
