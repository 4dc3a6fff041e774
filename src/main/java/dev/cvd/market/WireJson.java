package dev.cvd.market;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;

/**
 * The JSON settings of every Kafka wire codec: Jackson's fast double parser (correctly rounded) and
 * fast double writer (shortest round-trip digits), a few times faster than the JDK's, and exact
 * both ways, so a value decodes to the very bits it was encoded from.
 */
public final class WireJson {

    /** A shared factory; thread-safe. */
    public static final JsonFactory FACTORY = newFactory();

    private WireJson() {}

    /** A new factory with the wire settings, for an {@code ObjectMapper} of its own. */
    public static JsonFactory newFactory() {
        return JsonFactory.builder()
                .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
                .build();
    }
}
