package dev.cvd.api;

import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Map;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Maps the API's refusals and the framework's own HTTP exceptions to {@link ApiError} JSON answers.
 * Each message is written here for the client; none repeats an exception's class or message, and
 * there is deliberately no mapper for arbitrary exceptions (a bug stays a bare 500, logged by the
 * server, with nothing of its internals in the answer).
 */
public class ApiErrorMappers {

    @ServerExceptionMapper
    public RestResponse<ApiError> refused(ApiException e) {
        return ApiError.response(e.status(), e.getMessage(), e.headers());
    }

    @ServerExceptionMapper
    public RestResponse<ApiError> unsupportedMediaType(NotSupportedException e, HttpHeaders h) {
        String type = h.getHeaderString(HttpHeaders.CONTENT_TYPE);
        return ApiError.response(
                415,
                (type == null || type.isBlank()
                                ? "no Content-Type"
                                : "Content-Type '" + type + "' is not supported")
                        + ": send the body as JSON with Content-Type: application/json");
    }

    @ServerExceptionMapper
    public RestResponse<ApiError> methodNotAllowed(NotAllowedException e, UriInfo uri) {
        String allow = e.getResponse().getHeaderString(HttpHeaders.ALLOW);
        return ApiError.response(
                405,
                "method not allowed on /"
                        + uri.getPath().replaceFirst("^/", "")
                        + (allow == null ? "" : "; allowed: " + allow),
                allow == null ? Map.of() : Map.of(HttpHeaders.ALLOW, allow));
    }

    @ServerExceptionMapper
    public RestResponse<ApiError> notAcceptable(NotAcceptableException e) {
        return ApiError.response(
                406, "this resource answers application/json only: accept application/json");
    }

    @ServerExceptionMapper
    public RestResponse<ApiError> notFound(NotFoundException e, UriInfo uri) {
        return ApiError.response(404, "nothing at /" + uri.getPath().replaceFirst("^/", ""));
    }

    /** Any other HTTP exception of the framework: its status, with the standard phrase only. */
    @ServerExceptionMapper
    public RestResponse<ApiError> otherHttpError(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        Response.StatusType type = Response.Status.fromStatusCode(status);
        String phrase = type != null ? type.getReasonPhrase() : "HTTP " + status;
        return ApiError.response(status, phrase.toLowerCase());
    }
}
