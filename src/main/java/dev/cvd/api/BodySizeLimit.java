package dev.cvd.api;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Answers a request whose declared {@code Content-Length} is over {@code
 * quarkus.http.limits.max-body-size} with a 413 {@link ApiError} JSON body. Quarkus enforces the
 * same limit in a route of its own that answers with an empty body; this route runs just before it
 * (a lower route order) so clients get the JSON error, and then, like Quarkus, closes the
 * connection instead of reading the body.
 */
@ApplicationScoped
public class BodySizeLimit {

    private final Optional<MemorySize> limit;

    public BodySizeLimit(
            @ConfigProperty(name = "quarkus.http.limits.max-body-size")
                    Optional<MemorySize> limit) {
        this.limit = limit;
    }

    void install(@Observes Router router) {
        limit.ifPresent(
                max ->
                        router.route()
                                .order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1)
                                .handler(ctx -> check(ctx, max.asLongValue())));
    }

    private static void check(RoutingContext ctx, long max) {
        String declared = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        long length;
        try {
            length = declared == null ? -1 : Long.parseLong(declared.trim());
        } catch (NumberFormatException e) {
            length = -1; // Vert.x refuses a malformed Content-Length on its own
        }
        if (length <= max) {
            ctx.next();
            return;
        }
        String body =
                new JsonObject()
                        .put(
                                "error",
                                "request body of "
                                        + length
                                        + " bytes is over the limit of "
                                        + max
                                        + " bytes (quarkus.http.limits.max-body-size)")
                        .put("status", 413)
                        .encode();
        ctx.response()
                .setStatusCode(413)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(body);
    }
}
