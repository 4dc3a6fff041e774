package dev.cvd.ingest.live;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local Advanced Trade WebSocket server that plays the real capture with its timing (divided by
 * {@link #speed}), speaking the subscribe protocol: a connection gets nothing until it subscribed
 * to every channel of {@link SubscribeMessages#CHANNELS} (within 5 s, else it is closed, as
 * Coinbase does); then the capture's frames of the subscribed channels follow, renumbered with the
 * connection's own {@code sequence_num}. Each subscribe is confirmed by a {@code subscriptions}
 * frame; a {@code level2} subscribe after the start, or a new connection that resumes the capture,
 * gets a fresh snapshot built from the capture's book at that point. After the capture, heartbeats
 * go on. The playback position survives reconnects, so a feed resumes where it broke.
 *
 * <p>Faults, on the first connection only: close abruptly before a frame, fall silent before a
 * frame, lose one frame (its sequence number is used up), or inject a frame before one.
 */
final class CaptureServer implements AutoCloseable {

    static final String SEQ = "\"sequence_num\":0";

    private final List<Capture.Recv> frames = Capture.frames();
    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final ReferenceBook books = new ReferenceBook();
    private final AtomicInteger cursor = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> received = Collections.synchronizedList(new ArrayList<>());

    volatile double speed = 10;
    volatile int closeAt = -1;
    volatile int silenceAt = -1;
    volatile int loseAt = -1;
    final Map<Integer, String> injectBefore = new ConcurrentHashMap<>();

    CaptureServer() {
        try {
            server =
                    vertx.createHttpServer(new HttpServerOptions().setPort(0))
                            .webSocketHandler(ws -> new Playback(ws).start())
                            .listen()
                            .toCompletionStage()
                            .toCompletableFuture()
                            .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the capture server", e);
        }
    }

    int port() {
        return server.actualPort();
    }

    /** Back to the start of the capture, no faults. */
    void reset() {
        cursor.set(0);
        connections.set(0);
        books.clear();
        received.clear();
        closeAt = -1;
        silenceAt = -1;
        loseAt = -1;
        injectBefore.clear();
    }

    List<Capture.Recv> frames() {
        return frames;
    }

    /** Frames of the capture consumed so far (sent, lost or not subscribed). */
    int position() {
        return cursor.get();
    }

    int connections() {
        return connections.get();
    }

    /** Messages received from clients, each prefixed by its connection number and a space. */
    List<String> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    ReferenceBook books() {
        return books;
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private final class Playback {

        private final ServerWebSocket ws;
        private final int number = connections.incrementAndGet();
        private final BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
        private final Set<String> subscribed = ConcurrentHashMap.newKeySet();
        private volatile boolean closed;
        private boolean playing;
        private long seq;

        Playback(ServerWebSocket ws) {
            this.ws = ws;
        }

        void start() {
            ws.textMessageHandler(
                    m -> {
                        received.add(number + " " + m);
                        inbox.add(m);
                    });
            ws.closeHandler(v -> closed = true);
            Thread t = new Thread(this::run, "capture-server-" + number);
            t.setDaemon(true);
            t.start();
        }

        private void run() {
            try {
                play();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void play() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!subscribed.containsAll(SubscribeMessages.CHANNELS)) {
                String m = inbox.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (m == null || closed) {
                    ws.close();
                    return;
                }
                handle(m);
            }
            playing = true;
            if (cursor.get() > 0) {
                snapshots();
            }
            double t0 = frames.get(0).ts();
            long base = System.nanoTime() - nanos(frames.get(cursor.get()).ts() - t0);
            long nextHeartbeat = 0;
            while (!closed) {
                String m = inbox.poll();
                if (m != null) {
                    handle(m);
                    continue;
                }
                int i = cursor.get();
                if (i >= frames.size()) {
                    if (System.nanoTime() >= nextHeartbeat && subscribed.contains("heartbeats")) {
                        send(
                                "{\"channel\":\"heartbeats\",\"client_id\":\"\",\"timestamp\":\"2026-08-09T21:06:13Z\","
                                        + SEQ
                                        + ",\"events\":[{\"current_time\":\"2026-08-09 21:06:13 +0000 UTC\",\"heartbeat_counter\":1}]}");
                        nextHeartbeat = System.nanoTime() + nanos(1.0);
                    }
                    m = inbox.poll(10, TimeUnit.MILLISECONDS);
                    if (m != null) {
                        handle(m);
                    }
                    continue;
                }
                long wait = base + nanos(frames.get(i).ts() - t0) - System.nanoTime();
                if (wait > 0) {
                    m = inbox.poll(wait, TimeUnit.NANOSECONDS);
                    if (m != null) {
                        handle(m);
                    }
                    continue;
                }
                if (number == 1 && i == closeAt) {
                    ws.close((short) 1011, "test: abrupt close");
                    return;
                }
                if (number == 1 && i == silenceAt) {
                    while (!closed) {
                        inbox.poll(10, TimeUnit.MILLISECONDS); // heard, never answered
                    }
                    return;
                }
                String inject = number == 1 ? injectBefore.remove(i) : null;
                if (inject != null) {
                    send(inject);
                }
                Capture.Recv r = frames.get(i);
                cursor.incrementAndGet();
                if (r.channel().equals("l2_data")) {
                    books.apply(r.data());
                }
                if (r.channel().equals("subscriptions") || !isSubscribed(r.channel())) {
                    continue; // confirmations are this server's own; unsubscribed data not sent
                }
                if (number == 1 && i == loseAt) {
                    seq++; // numbered, never delivered
                    continue;
                }
                send(r.data());
            }
        }

        private boolean isSubscribed(String frameChannel) {
            for (String ch : subscribed) {
                if (SubscribeMessages.frameChannel(ch).equals(frameChannel)) {
                    return true;
                }
            }
            return false;
        }

        private void handle(String message) {
            JsonNode m;
            try {
                m = Capture.JSON.readTree(message);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String channel = m.path("channel").asText();
            switch (m.path("type").asText()) {
                case "subscribe" -> {
                    subscribed.add(channel);
                    confirm();
                    if (playing && channel.equals(SubscribeMessages.LEVEL2)) {
                        snapshots();
                    }
                }
                case "unsubscribe" -> {
                    subscribed.remove(channel);
                    confirm();
                }
                default -> {}
            }
        }

        private void confirm() {
            StringBuilder b =
                    new StringBuilder(
                            "{\"channel\":\"subscriptions\",\"client_id\":\"\",\"timestamp\":\"2026-08-09T21:05:48Z\","
                                    + SEQ
                                    + ",\"events\":[{\"subscriptions\":{");
            boolean first = true;
            for (String ch : new java.util.TreeSet<>(subscribed)) {
                b.append(first ? "" : ",").append('"').append(ch).append("\":");
                b.append(
                        ch.equals("heartbeats") ? "[\"heartbeats\"]" : "[\"BTC-USD\",\"ETH-USD\"]");
                first = false;
            }
            send(b.append("}}]}").toString());
        }

        private void snapshots() {
            for (String product : books.products()) {
                send(books.snapshotFrame(product));
            }
        }

        /** Sends a frame, renumbering its sequence_num; frames without one go as they are. */
        private void send(String frame) {
            String out = frame;
            int at = frame.indexOf("\"sequence_num\":");
            if (at >= 0) {
                int from = at + "\"sequence_num\":".length();
                int to = from;
                while (to < frame.length() && Character.isDigit(frame.charAt(to))) {
                    to++;
                }
                if (to > from) {
                    out = frame.substring(0, from) + seq++ + frame.substring(to);
                }
            }
            ws.writeTextMessage(out);
        }

        private long nanos(double seconds) {
            return (long) (seconds / speed * 1e9);
        }
    }
}
