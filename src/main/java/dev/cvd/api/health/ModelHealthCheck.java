package dev.cvd.api.health;

import dev.cvd.scoring.stage.ModelService;
import dev.cvd.scoring.stage.ModelStatus;
import dev.cvd.scoring.stage.ReloadFailure;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * UP with the serving model's name and version; DOWN with the reason when no model serves. A bundle
 * refused since the last successful load is reported as data even when UP (the previous model
 * serves on).
 */
@Readiness
@ApplicationScoped
public class ModelHealthCheck implements HealthCheck {

    private final ModelService models;

    public ModelHealthCheck(ModelService models) {
        this.models = models;
    }

    @Override
    public HealthCheckResponse call() {
        ModelStatus s = models.status();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("model");
        if (!s.enabled()) {
            return response.withData("state", "disabled in this instance").up().build();
        }
        response.withData("directory", s.directory());
        ReloadFailure failure = s.lastFailure();
        if (failure != null) {
            response.withData("last_reload_failure", failure.reason())
                    .withData("last_reload_failure_at", failure.at().toString());
        }
        if (s.meta() == null) {
            return response.withData("reason", s.unavailableReason()).down().build();
        }
        return response.withData("name", s.meta().name())
                .withData("version", s.meta().version())
                .withData("contract_version", s.meta().contractVersion())
                .withData("loaded_at", s.loadedAt().toString())
                .up()
                .build();
    }
}
