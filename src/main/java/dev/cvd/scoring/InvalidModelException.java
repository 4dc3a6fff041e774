package dev.cvd.scoring;

/**
 * A model or model bundle that cannot be used: a missing file, a truncated or malformed model, an
 * unsupported objective or booster, or metadata that contradicts the model. The message is meant
 * for a human and says what is wrong and where, for example {@code "model.json: truncated at byte
 * 1234"} or {@code "model.meta.json: feature 'foo' is not in feature contract v1"}.
 *
 * <p>Checked, because loading a model is an operation a caller must be ready to see fail (a hot
 * reload keeps the previous model when the new one is refused).
 */
public class InvalidModelException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong and where
     */
    public InvalidModelException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong and where
     * @param cause the underlying parse or I/O failure
     */
    public InvalidModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
