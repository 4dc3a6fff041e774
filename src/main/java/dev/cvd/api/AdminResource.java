package dev.cvd.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.cvd.scoring.ModelMeta;
import dev.cvd.scoring.stage.ModelService;
import dev.cvd.scoring.stage.ReloadOutcome;
import dev.cvd.scoring.stage.ScoringSettings;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * {@code POST /admin/model/reload}: load the model bundle folder now, without waiting for the
 * poller. Protected by a bearer token, {@code cvd.scoring.admin-token}; with no token configured
 * the endpoint is off and answers 403 (it exists, but no request can be allowed).
 */
@Path("/admin/model/reload")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin", description = "Operations")
@SecurityScheme(
        securitySchemeName = "adminToken",
        type = SecuritySchemeType.HTTP,
        scheme = "bearer",
        description = "cvd.scoring.admin-token")
public class AdminResource {

    private static final String BEARER = "Bearer ";
    private static final Map<String, String> CHALLENGE =
            Map.of(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"cvd-admin\"");

    private final ModelService models;
    private final Optional<byte[]> token;

    public AdminResource(ModelService models, ScoringSettings settings) {
        this.models = models;
        this.token =
                settings.adminToken()
                        .map(String::strip)
                        .filter(t -> !t.isEmpty())
                        .map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    @POST
    @Operation(
            summary = "Reload the model bundle now",
            description =
                    "Loads and validates the bundle folder; a valid bundle replaces the serving"
                            + " model, an invalid one is refused and the serving model stays.")
    @SecurityRequirement(name = "adminToken")
    @APIResponse(
            responseCode = "200",
            description = "Loaded; the new model serves",
            content = @Content(schema = @Schema(implementation = Reload.class)))
    @APIResponse(
            responseCode = "401",
            description = "Missing or wrong bearer token",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "403",
            description = "No admin token configured: the endpoint is off",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "409",
            description = "Bundle refused; the previous model keeps serving",
            content = @Content(schema = @Schema(implementation = Reload.class)))
    public RestResponse<?> reload(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        if (token.isEmpty()) {
            return ApiError.response(
                    403, "the admin endpoint is off: set cvd.scoring.admin-token to enable it");
        }
        if (authorization == null || authorization.isBlank()) {
            return ApiError.response(
                    401, "missing Authorization: Bearer <token> header", CHALLENGE);
        }
        if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return ApiError.response(
                    401, "the Authorization header must be Bearer <token>", CHALLENGE);
        }
        byte[] given =
                authorization.substring(BEARER.length()).strip().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, token.get())) {
            return ApiError.response(401, "wrong admin token", CHALLENGE);
        }
        ReloadOutcome outcome = models.reload(ModelService.ADMIN);
        ModelMeta serving = outcome.serving();
        String servingName = serving == null ? null : serving.name();
        String servingVersion = serving == null ? null : serving.version();
        if (outcome.loaded()) {
            return RestResponse.ok(
                    new Reload(
                            "loaded",
                            null,
                            null,
                            servingName,
                            servingVersion,
                            outcome.previous() == null ? null : outcome.previous().version()));
        }
        String error =
                "model bundle refused: "
                        + outcome.error()
                        + (serving == null
                                ? "; no model serves"
                                : "; model "
                                        + servingName
                                        + " version "
                                        + servingVersion
                                        + " keeps serving");
        return RestResponse.ResponseBuilder.<Reload>create(409)
                .entity(new Reload("refused", error, 409, servingName, servingVersion, null))
                .type(MediaType.APPLICATION_JSON_TYPE)
                .build();
    }

    /** The answer of a reload: the model now serving, and the refusal when there is one. */
    @Schema(name = "Reload")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({
        "result",
        "error",
        "status",
        "model_name",
        "model_version",
        "previous_version"
    })
    public record Reload(
            @Schema(description = "loaded or refused") String result,
            @Schema(description = "Why the bundle was refused") String error,
            @Schema(description = "The HTTP status, with an error") Integer status,
            @Schema(description = "The model serving now") @JsonProperty("model_name")
                    String modelName,
            @JsonProperty("model_version") String modelVersion,
            @Schema(description = "The model version that served before a successful load")
                    @JsonProperty("previous_version")
                    String previousVersion) {}
}
