package dev.cvd.api.health;

import dev.cvd.ingest.stage.IngestSettings;
import dev.cvd.ingest.stage.ReplayService;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** DOWN only when the ingest source failed; says what it is doing otherwise. */
@Readiness
@ApplicationScoped
public class IngestHealthCheck implements HealthCheck {

    private final ReplayService replay;
    private final IngestSettings settings;

    public IngestHealthCheck(ReplayService replay, IngestSettings settings) {
        this.replay = replay;
        this.settings = settings;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("ingest");
        if (!settings.enabled()) {
            return response.withData("state", "disabled in this instance").up().build();
        }
        response.withData("source", settings.source())
                .withData("state", replay.state().name().toLowerCase())
                .withData("events_published", replay.published());
        if (replay.state() == ReplayService.State.FAILED) {
            return response.withData("reason", replay.failure()).down().build();
        }
        return response.up().build();
    }
}
