package dev.cvd.scoring.stage;

/**
 * No model is serving: scoring is off in this instance, or no valid bundle has been loaded yet. The
 * message says which, and why (the bundle's refusal, for example).
 */
public class NoModelException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param message why no model serves, for a human
     */
    public NoModelException(String message) {
        super(message, null, false, false);
    }
}
