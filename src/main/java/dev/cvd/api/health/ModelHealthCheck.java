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
 *
 * <p>With the model from a registry ({@code cvd.scoring.model-uri}), the data also shows the
 * reference ({@code source}) and the version serving ({@code source_version}). A registry that
 * cannot be asked while a model serves (the one fetched before, or the last cached bundle at start)
 * keeps the check UP with {@code state: degraded} and the reason in {@code degraded}: predictions
 * are still right, only a newer version may be missed, and taking the instance out of service for
 * that would turn a registry outage into a prediction outage. With nothing cached there is no
 * model, and the check is DOWN with the reason.
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
        models.source().ifPresent(uri -> response.withData("source", uri));
        ReloadFailure failure = s.lastFailure();
        if (failure != null) {
            response.withData("last_reload_failure", failure.reason())
                    .withData("last_reload_failure_at", failure.at().toString());
        }
        if (s.meta() == null) {
            return response.withData("reason", s.unavailableReason()).down().build();
        }
        String version = models.sourceLabel();
        if (version != null) {
            response.withData("source_version", version);
        }
        String degraded = models.degradedReason();
        response.withData("state", degraded == null ? "serving" : "degraded");
        if (degraded != null) {
            response.withData("degraded", degraded);
        }
        return response.withData("name", s.meta().name())
                .withData("version", s.meta().version())
                .withData("contract_version", s.meta().contractVersion())
                .withData("loaded_at", s.loadedAt().toString())
                .up()
                .build();
    }
}
