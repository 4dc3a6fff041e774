package dev.cvd.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cvd.market.EventTime;

/**
 * What a line's outer layers say about the message inside: the receive time (from a capture prefix
 * or a collector's wrapper) and a product id (from a wrapper, or the mapping's default). Decoders
 * fall back on these when the message itself carries no time or product.
 *
 * @param receiveTime UTC microseconds, or {@link EventTime#UNKNOWN}
 * @param product product id, or null
 */
record Envelope(long receiveTime, String product) {

    /** Fields of a collector's record that may hold the receive time, in the order tried. */
    static final String[] RECEIVE_TIME_FIELDS = {
        "ts", "timestamp", "time", "recv_ts", "recv_time", "receive_time", "received_at"
    };

    /** Fields that may hold the product id, in the order tried. */
    static final String[] PRODUCT_FIELDS = {"product_id", "product", "pair", "symbol"};

    /** The envelope of a top-level line: no receive time yet, the mapping's default product. */
    static Envelope root(FieldMapping mapping) {
        return new Envelope(EventTime.UNKNOWN, mapping.defaultProductOrNull());
    }

    /** This envelope refined by a wrapper's own time and product fields. */
    Envelope refine(JsonNode wrapper) {
        return refine(receiveTimeOf(wrapper), productFieldOf(wrapper));
    }

    /** This envelope refined by an inner layer; unknown values keep the outer ones. */
    Envelope refine(long innerReceiveTime, String innerProduct) {
        return new Envelope(
                innerReceiveTime == EventTime.UNKNOWN ? receiveTime : innerReceiveTime,
                innerProduct == null ? product : innerProduct);
    }

    /**
     * The product id of a message: its own ({@code product_id}, else {@code product}, {@code pair},
     * {@code symbol}), else this envelope's.
     */
    String productOf(JsonNode message) {
        String p = Values.text(message.get("product_id"));
        if (p == null) {
            p = productFieldOf(message);
        }
        if (p == null) {
            p = product;
        }
        if (p == null) {
            throw new DecodeException(Reasons.MISSING_PRODUCT, "no product id");
        }
        return p;
    }

    /** A message's own time if it has one, else the receive time; may be UNKNOWN. */
    long timeOr(long messageTime) {
        return messageTime != EventTime.UNKNOWN ? messageTime : receiveTime;
    }

    /**
     * Like {@link #timeOr} for quotes and trades, which need a time. A message that was flattened
     * by its collector may carry the receive time itself, so its receive-time fields come last.
     */
    long requiredTime(long messageTime, JsonNode message) {
        long t = timeOr(messageTime);
        if (t == EventTime.UNKNOWN) {
            t = receiveTimeOf(message);
        }
        if (t == EventTime.UNKNOWN) {
            throw new DecodeException(Reasons.MISSING_TIME, "no exchange or receive time");
        }
        return t;
    }

    /** The first non-empty receive-time field of a record, or UNKNOWN. */
    static long receiveTimeOf(JsonNode record) {
        for (String field : RECEIVE_TIME_FIELDS) {
            JsonNode v = record.get(field);
            if (v != null) {
                long t = Values.time(v);
                if (t != EventTime.UNKNOWN) {
                    return t;
                }
            }
        }
        return EventTime.UNKNOWN;
    }

    /** The first non-empty product field of a record, or null. */
    static String productFieldOf(JsonNode record) {
        for (String field : PRODUCT_FIELDS) {
            String p = Values.text(record.get(field));
            if (p != null) {
                return p;
            }
        }
        return null;
    }
}
