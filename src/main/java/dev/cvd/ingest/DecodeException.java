package dev.cvd.ingest;

/**
 * Why one line cannot be decoded. Thrown inside the decoders and turned into {@link
 * RecordingListener#onRejected} by {@link RecordingReader}; it never leaves this package. It
 * records no stack trace because bad lines are expected data, not bugs, and may be frequent.
 */
final class DecodeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String reason;

    DecodeException(String reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    /** The {@link Reasons} code. */
    String reason() {
        return reason;
    }
}
