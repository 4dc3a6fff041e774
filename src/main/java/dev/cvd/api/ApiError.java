package dev.cvd.api;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * The body of every error answer of the API: what is wrong with the request, said for the person
 * who sent it, and the HTTP status again. Never an exception class or a stack trace.
 *
 * @param error what is wrong and, when it helps, how to fix it
 * @param status the HTTP status code
 */
@RegisterForReflection
@Schema(name = "Error", description = "An error answer")
public record ApiError(
        @Schema(
                        description = "What is wrong",
                        examples = "unknown feature 'rv_60' in features (did you mean 'rv_60s'?)")
                String error,
        @Schema(description = "The HTTP status code", examples = "400") int status) {

    /** An error response with a JSON body and the given extra headers. */
    static RestResponse<ApiError> response(int status, String error, Map<String, String> headers) {
        RestResponse.ResponseBuilder<ApiError> b =
                RestResponse.ResponseBuilder.<ApiError>create(status)
                        .entity(new ApiError(error, status))
                        .type(MediaType.APPLICATION_JSON_TYPE);
        headers.forEach(b::header);
        return b.build();
    }

    /** An error response with a JSON body. */
    static RestResponse<ApiError> response(int status, String error) {
        return response(status, error, Map.of());
    }
}
