package dev.cvd.market;

/**
 * A record on a cvd topic that does not follow its wire format. The {@link #reason()} is a short
 * stable snake_case code for counting and for the dead-letter topic; the message adds the detail.
 */
public final class WireFormatException extends RuntimeException {

    private final String reason;

    public WireFormatException(String reason, String detail) {
        super(reason + ": " + detail, null, false, false);
        this.reason = reason;
    }

    /** The reason code, e.g. {@code malformed_json} or {@code unsupported_version}. */
    public String reason() {
        return reason;
    }
}
