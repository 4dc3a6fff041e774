package dev.cvd.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.cvd.features.FeatureContract;
import dev.cvd.scoring.ModelMeta;
import dev.cvd.scoring.stage.ModelService;
import dev.cvd.scoring.stage.ModelStatus;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /version}: the application, the feature contract and the serving model. */
@Path("/version")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "service", description = "About this service")
public class VersionResource {

    private final ModelService models;
    private final String application;
    private final String version;

    public VersionResource(
            ModelService models,
            @ConfigProperty(name = "quarkus.application.name", defaultValue = "cvd")
                    String application,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown")
                    String version) {
        this.models = models;
        this.application = application;
        this.version = version;
    }

    @GET
    @NonBlocking
    @Operation(summary = "Versions of the application, the feature contract and the model")
    public Info version() {
        ModelStatus s = models.status();
        ModelMeta m = s.meta();
        ModelInfo model =
                m == null
                        ? null
                        : new ModelInfo(
                                m.name(),
                                m.version(),
                                m.contractVersion(),
                                m.features(),
                                m.tau(),
                                m.threshold(),
                                m.horizonS(),
                                m.trainStart(),
                                m.trainEnd(),
                                m.createdAt(),
                                s.loadedAt() == null ? null : s.loadedAt().toString());
        return new Info(
                application,
                version,
                new Contract(FeatureContract.VERSION, FeatureContract.NAMES),
                model,
                s.unavailableReason());
    }

    /** The answer of {@code GET /version}. */
    @Schema(name = "Version")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"application", "version", "contract", "model", "model_error"})
    public record Info(
            @Schema(description = "quarkus.application.name") String application,
            @Schema(description = "Application version") String version,
            @Schema(description = "The feature contract this service reads") Contract contract,
            @Schema(description = "The serving model; absent when none serves") ModelInfo model,
            @Schema(description = "Why no model serves; absent when one does")
                    @JsonProperty("model_error")
                    String modelError) {}

    /** The feature contract of the service. */
    @Schema(name = "Contract")
    public record Contract(int version, List<String> features) {}

    /** The serving model, from its bundle's metadata. */
    @Schema(name = "ModelInfo")
    @JsonPropertyOrder({
        "name",
        "version",
        "contract_version",
        "features",
        "tau",
        "threshold",
        "horizon_s",
        "train_start",
        "train_end",
        "created_at",
        "loaded_at"
    })
    public record ModelInfo(
            String name,
            String version,
            @JsonProperty("contract_version") int contractVersion,
            @Schema(description = "The model's input columns, in order") List<String> features,
            @Schema(description = "Spike threshold on fwd_rv_60s (label: fwd_rv_60s >= tau)")
                    double tau,
            @Schema(description = "Decision threshold on the probability") double threshold,
            @JsonProperty("horizon_s") int horizonS,
            @Schema(description = "First event time of the training data")
                    @JsonProperty("train_start")
                    String trainStart,
            @Schema(description = "Last event time of the training data") @JsonProperty("train_end")
                    String trainEnd,
            @JsonProperty("created_at") String createdAt,
            @Schema(description = "When this instance loaded the model") @JsonProperty("loaded_at")
                    String loadedAt) {}
}
