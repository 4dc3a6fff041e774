package dev.cvd.ingest;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cvd.market.MarketEvent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One frame received live from the Advanced Trade WebSocket, decoded exactly as a {@link
 * RecordingReader} decodes the same frame read from a capture (the same codec, the same reason
 * codes), plus what a live client needs besides the events: the channel, the connection's {@code
 * sequence_num}, which products an {@code l2_data} frame snapshots, and what a {@code
 * subscriptions} frame confirms.
 *
 * @param outcome events, ignored (no market data by design) or rejected
 * @param channel the frame's {@code channel}, {@code error} for an error frame, or null if unknown
 * @param sequenceNum the frame's {@code sequence_num}, or -1 if it has none
 * @param events the normalized events, in the frame's order (empty unless {@link Outcome#EVENTS})
 * @param snapshotProducts products whose {@code l2_data} event in this frame is a {@code snapshot}
 * @param subscriptions for a {@code subscriptions} frame: channel to products, as confirmed
 * @param reason the {@link Reasons} code of an ignored or rejected frame, else null
 * @param detail what was wrong with a rejected frame (an error frame's message), else null
 */
public record AdvancedTradeFrame(
        Outcome outcome,
        String channel,
        long sequenceNum,
        List<MarketEvent> events,
        Set<String> snapshotProducts,
        Map<String, List<String>> subscriptions,
        String reason,
        String detail) {

    /** What became of a frame. */
    public enum Outcome {
        EVENTS,
        IGNORED,
        REJECTED
    }

    private static final Envelope ROOT = Envelope.root(FieldMapping.DEFAULT);

    /**
     * Decodes one frame. Never throws for bad content: a frame that is not JSON, of an unknown
     * channel, or with bad values is {@link Outcome#REJECTED} with its reason; a Coinbase {@code
     * error} frame is rejected with {@link Reasons#ERROR_FRAME}. Thread-safe.
     *
     * @param text the frame, verbatim
     * @param receiveMicros receive time, UTC microseconds: the event time of entries that carry no
     *     exchange time, as in a capture
     */
    public static AdvancedTradeFrame decode(String text, long receiveMicros) {
        JsonNode frame;
        try {
            frame = RecordingReader.JSON.readTree(text);
        } catch (JacksonException e) {
            return rejected(null, -1, Reasons.MALFORMED_JSON, e.getOriginalMessage());
        } catch (RuntimeException e) {
            return rejected(null, -1, Reasons.MALFORMED_JSON, "unreadable frame");
        }
        if (frame == null || !frame.isObject()) {
            return rejected(null, -1, Reasons.UNKNOWN_FORMAT, "JSON that is not an object");
        }
        JsonNode seqNode = frame.get("sequence_num");
        long seq = seqNode != null && seqNode.canConvertToLong() ? seqNode.asLong() : -1;
        String type = Values.text(frame.get("type"));
        if ("error".equals(type)) {
            return rejected("error", seq, Reasons.ERROR_FRAME, Values.text(frame.get("message")));
        }
        String channel = Values.text(frame.get("channel"));
        if (channel == null || !frame.has("events")) {
            return rejected(
                    channel,
                    seq,
                    type != null || channel != null ? Reasons.UNKNOWN_TYPE : Reasons.UNKNOWN_FORMAT,
                    "not an Advanced Trade frame");
        }
        List<MarketEvent> events = new ArrayList<>();
        String ignored;
        try {
            ignored =
                    AdvancedTradeCodec.decode(
                            channel, frame, ROOT.refine(receiveMicros, null), events);
        } catch (DecodeException e) {
            return rejected(channel, seq, e.reason(), e.getMessage());
        } catch (RuntimeException e) {
            return rejected(channel, seq, Reasons.DECODE_ERROR, e.getClass().getSimpleName());
        }
        if (ignored != null) {
            Map<String, List<String>> subs =
                    Reasons.SUBSCRIPTIONS.equals(ignored) ? subscriptionsOf(frame) : Map.of();
            return new AdvancedTradeFrame(
                    Outcome.IGNORED, channel, seq, List.of(), Set.of(), subs, ignored, null);
        }
        if (events.isEmpty()) {
            return new AdvancedTradeFrame(
                    Outcome.IGNORED,
                    channel,
                    seq,
                    List.of(),
                    Set.of(),
                    Map.of(),
                    Reasons.EMPTY,
                    null);
        }
        Set<String> snapshots = "l2_data".equals(channel) ? snapshotsOf(frame) : Set.of();
        return new AdvancedTradeFrame(
                Outcome.EVENTS, channel, seq, events, snapshots, Map.of(), null, null);
    }

    private static AdvancedTradeFrame rejected(
            String channel, long seq, String reason, String detail) {
        return new AdvancedTradeFrame(
                Outcome.REJECTED, channel, seq, List.of(), Set.of(), Map.of(), reason, detail);
    }

    private static Set<String> snapshotsOf(JsonNode frame) {
        Set<String> products = new LinkedHashSet<>();
        for (JsonNode event : frame.get("events")) {
            if ("snapshot".equals(Values.text(event.get("type")))) {
                String p = Values.text(event.get("product_id"));
                if (p != null) {
                    products.add(p);
                }
            }
        }
        return products;
    }

    /** The union of the {@code subscriptions} objects of the frame's events. */
    private static Map<String, List<String>> subscriptionsOf(JsonNode frame) {
        Map<String, List<String>> subs = new LinkedHashMap<>();
        JsonNode events = frame.get("events");
        if (events == null || !events.isArray()) {
            return subs;
        }
        for (JsonNode event : events) {
            JsonNode s = event.get("subscriptions");
            if (s == null || !s.isObject()) {
                continue;
            }
            Iterator<Map.Entry<String, JsonNode>> fields = s.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                List<String> products = new ArrayList<>();
                if (f.getValue().isArray()) {
                    f.getValue().forEach(p -> products.add(p.asText()));
                }
                subs.put(f.getKey(), List.copyOf(products));
            }
        }
        return subs;
    }
}
