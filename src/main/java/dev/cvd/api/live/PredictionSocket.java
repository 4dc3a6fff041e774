package dev.cvd.api.live;

import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * {@code /ws/predictions}: the stream predictions of this instance, one JSON object per prediction
 * ({@link LiveMessage}), starting with the latest prediction of each product. {@code
 * ?product=BTC-USD} (a comma-separated list, or the parameter repeated) keeps only those products.
 * Messages from clients are ignored.
 */
@WebSocket(path = PredictionSocket.PATH)
public class PredictionSocket {

    /** The endpoint's path. */
    public static final String PATH = "/ws/predictions";

    private final LiveFeed feed;

    public PredictionSocket(LiveFeed feed) {
        this.feed = feed;
    }

    @OnOpen
    @NonBlocking
    void open(WebSocketConnection connection) {
        feed.subscribe(
                connection.id(),
                products(connection.handshakeRequest().query()),
                message -> connection.sendText(message));
    }

    @OnClose
    @NonBlocking
    void close(WebSocketConnection connection) {
        feed.unsubscribe(connection.id());
    }

    /** The products named by {@code product} parameters of a query string; empty for all. */
    static Set<String> products(String query) {
        Set<String> products = new LinkedHashSet<>();
        if (query == null) {
            return products;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq < 0 || !"product".equals(pair.substring(0, eq))) {
                continue;
            }
            for (String p :
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8).split(",")) {
                if (!p.isBlank()) {
                    products.add(p.strip());
                }
            }
        }
        return products;
    }
}
