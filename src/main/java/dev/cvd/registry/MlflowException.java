package dev.cvd.registry;

import java.io.IOException;

/**
 * A failed MLflow call: the server's {@code error_code} and {@code message} when it answered, or
 * the transport failure when it could not be reached. Messages never carry credentials.
 */
public class MlflowException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The HTTP status, or 0 when the server could not be reached. */
    private final int status;

    /** MLflow's {@code error_code}, for example {@code RESOURCE_DOES_NOT_EXIST}, or null. */
    private final String errorCode;

    /**
     * @param status the HTTP status, 0 when no answer came
     * @param errorCode MLflow's error code, or null
     * @param message what failed, for a human
     * @param cause the transport failure, or null
     */
    public MlflowException(int status, String errorCode, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorCode = errorCode;
    }

    /**
     * @return the HTTP status, 0 when the server could not be reached
     */
    public int status() {
        return status;
    }

    /**
     * @return MLflow's error code, or null when the server did not send one
     */
    public String errorCode() {
        return errorCode;
    }

    /**
     * @return whether the server could not be reached or failed on its side (5xx): worth retrying
     *     later, unlike a refused request
     */
    public boolean unavailable() {
        return status == 0 || status >= 500;
    }

    /**
     * @return whether MLflow says the resource does not exist
     */
    public boolean notFound() {
        return "RESOURCE_DOES_NOT_EXIST".equals(errorCode) || status == 404;
    }
}
