package dev.cvd.ingest.live;

import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocketClient;
import io.quarkus.websockets.next.WebSocketClientConnection;
import io.smallrye.common.annotation.NonBlocking;

/**
 * The WebSocket endpoint of one connection to Coinbase Advanced Trade. It only hands what happens
 * to the {@link CoinbaseSource}, tagged with the connection's attempt number: callbacks run on the
 * event loop and must not block, so frames are queued, never processed, here.
 */
@WebSocketClient(path = "/")
public class CoinbaseFeedClient {

    /** The attempt number of a connection, set by the source when it connects. */
    static final UserData.TypedKey<Long> ATTEMPT = UserData.TypedKey.forLong("cvd.attempt");

    private final CoinbaseSource source;

    public CoinbaseFeedClient(CoinbaseSource source) {
        this.source = source;
    }

    @OnOpen
    @NonBlocking
    void open(WebSocketClientConnection connection) {
        source.opened(attempt(connection), connection);
    }

    @OnTextMessage
    @NonBlocking
    void frame(String frame, WebSocketClientConnection connection) {
        source.received(attempt(connection), frame);
    }

    @OnClose
    @NonBlocking
    void close(CloseReason reason, WebSocketClientConnection connection) {
        source.closed(
                attempt(connection), reason == null ? "closed" : "closed " + reason.getCode());
    }

    @OnError
    @NonBlocking
    void error(Throwable failure, WebSocketClientConnection connection) {
        source.failed(attempt(connection), failure);
    }

    private static long attempt(WebSocketClientConnection connection) {
        Long a = connection.userData().get(ATTEMPT);
        return a == null ? -1 : a;
    }
}
