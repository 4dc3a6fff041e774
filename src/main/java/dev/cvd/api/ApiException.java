package dev.cvd.api;

import java.util.Map;

/**
 * A request the API refuses, with the status and the message of its {@link ApiError} answer (see
 * {@link ApiErrorMappers}). Carries no stack trace: it is an answer, not a failure.
 */
public class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient Map<String, String> headers;

    /**
     * @param status the HTTP status, 4xx for a request the client must change, 503 when no model
     *     serves
     * @param message what is wrong, for the client
     */
    public ApiException(int status, String message) {
        this(status, message, Map.of());
    }

    /**
     * @param headers extra response headers, for example {@code Retry-After}
     */
    public ApiException(int status, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.headers = Map.copyOf(headers);
    }

    /**
     * @return the HTTP status
     */
    public int status() {
        return status;
    }

    /**
     * @return extra response headers
     */
    public Map<String, String> headers() {
        return headers;
    }
}
