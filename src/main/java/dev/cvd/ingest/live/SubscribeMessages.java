package dev.cvd.ingest.live;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * The Advanced Trade market-data subscription protocol: one {@code subscribe} (or {@code
 * unsubscribe}) message per channel,
 *
 * <pre>
 * {"type":"subscribe","product_ids":["BTC-USD","ETH-USD"],"channel":"level2","jwt":"..."}
 * </pre>
 *
 * <p>The {@code jwt} field is present only when a token is configured; messages holding it must
 * never be logged. Stateless and thread-safe.
 */
public final class SubscribeMessages {

    /** The channels cvd subscribes to, in the order it subscribes. */
    public static final List<String> CHANNELS =
            List.of("heartbeats", "ticker", "market_trades", "level2");

    /** The channel of level-2 subscriptions; its frames arrive on {@code l2_data}. */
    public static final String LEVEL2 = "level2";

    private static final JsonFactory JSON = new JsonFactory();

    private SubscribeMessages() {}

    /** A subscribe message for one channel. */
    public static String subscribe(String channel, List<String> products, Optional<String> jwt) {
        return message("subscribe", channel, products, jwt);
    }

    /** An unsubscribe message for one channel. */
    public static String unsubscribe(String channel, List<String> products, Optional<String> jwt) {
        return message("unsubscribe", channel, products, jwt);
    }

    /** The channel whose frames answer a subscription: {@code level2} data come as l2_data. */
    public static String frameChannel(String subscribedChannel) {
        return LEVEL2.equals(subscribedChannel) ? "l2_data" : subscribedChannel;
    }

    private static String message(
            String type, String channel, List<String> products, Optional<String> jwt) {
        StringWriter w = new StringWriter(128);
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("type", type);
            g.writeArrayFieldStart("product_ids");
            for (String p : products) {
                g.writeString(p);
            }
            g.writeEndArray();
            g.writeStringField("channel", channel);
            if (jwt.isPresent() && !jwt.get().isBlank()) {
                g.writeStringField("jwt", jwt.get());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return w.toString();
    }
}
