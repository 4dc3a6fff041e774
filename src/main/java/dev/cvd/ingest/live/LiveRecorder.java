package dev.cvd.ingest.live;

import dev.cvd.ingest.FrameRecorder;
import dev.cvd.market.EventTime;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Records Advanced Trade frames, verbatim, for a while, with nothing else of the pipeline: {@code
 * cvd record}. It runs outside the service (the {@code cli} profile opens no connection of the
 * application's own), on the JDK's {@link java.net.http.WebSocket}, with the same protocol and
 * limits as the live source: one subscribe per channel, spaced; a watchdog on silence; reconnects
 * with exponential {@link Backoff} and jitter, resubscribing.
 *
 * <p>Runs on the calling thread; frames are written by the WebSocket's delivery thread, one at a
 * time (the client delivers a connection's messages sequentially).
 */
public final class LiveRecorder {

    private final URI url;
    private final List<String> products;
    private final Optional<String> jwt;
    private final FrameRecorder recorder;
    private final Duration watchdog;
    private final Duration spacing;
    private final Backoff backoff;
    private final Consumer<String> log;
    private final AtomicLong frames = new AtomicLong();
    private volatile long lastFrameNanos;
    private volatile boolean done;
    private int connections;

    /**
     * @param log where progress lines go (connections, reconnects); never the JWT
     */
    public LiveRecorder(
            URI url,
            List<String> products,
            Optional<String> jwt,
            FrameRecorder recorder,
            Duration watchdog,
            Duration spacing,
            Backoff backoff,
            Consumer<String> log) {
        this.url = url;
        this.products = List.copyOf(products);
        this.jwt = jwt;
        this.recorder = recorder;
        this.watchdog = watchdog;
        this.spacing = spacing;
        this.backoff = backoff;
        this.log = log;
    }

    /**
     * Records until the duration has passed, reconnecting as needed; leaves the recorder open.
     *
     * @return frames recorded
     */
    public long run(Duration duration) throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        try {
            record(http, deadline);
        } finally {
            done = true; // frames still in flight after the deadline are not recorded
        }
        return frames.get();
    }

    private void record(HttpClient http, long deadline) throws InterruptedException {
        while (System.nanoTime() < deadline) {
            String outcome = connection(http, deadline);
            if (outcome == null || System.nanoTime() >= deadline) {
                break;
            }
            Duration delay = backoff.next();
            log.accept("connection " + outcome + "; reconnecting in " + delay.toMillis() + " ms");
            long left = deadline - System.nanoTime();
            TimeUnit.NANOSECONDS.sleep(Math.max(0, Math.min(left, delay.toNanos())));
        }
    }

    /** Frames recorded so far. */
    public long frames() {
        return frames.get();
    }

    /** Connections opened so far. */
    public int connections() {
        return connections;
    }

    /** One connection: null if it lasted to the deadline, else why it ended. */
    private String connection(HttpClient http, long deadline) throws InterruptedException {
        CompletableFuture<String> closed = new CompletableFuture<>();
        WebSocket ws;
        try {
            ws =
                    http.newWebSocketBuilder()
                            .buildAsync(url, new Listener(closed))
                            .get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return "failed: " + e.getMessage();
        }
        connections++;
        long opened = System.nanoTime();
        lastFrameNanos = opened;
        log.accept("connected to " + url + ", subscribing to " + products);
        for (String channel : SubscribeMessages.CHANNELS) {
            // The message may hold the JWT: never log it.
            ws.sendText(SubscribeMessages.subscribe(channel, products, jwt), true).join();
            TimeUnit.NANOSECONDS.sleep(spacing.toNanos());
        }
        long check = Math.max(50_000_000L, watchdog.toNanos() / 5);
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                done = true;
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally(e -> null);
                return null;
            }
            try {
                return closed.get(Math.min(left, check), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                if (System.nanoTime() - lastFrameNanos > watchdog.toNanos()) {
                    ws.abort();
                    if (System.nanoTime() - opened >= Duration.ofSeconds(30).toNanos()) {
                        backoff.reset();
                    }
                    return "silent for longer than " + watchdog;
                }
            } catch (ExecutionException e) {
                return "failed: " + e.getCause();
            }
        }
    }

    private final class Listener implements WebSocket.Listener {

        private final CompletableFuture<String> closed;
        private final StringBuilder partial = new StringBuilder();

        Listener(CompletableFuture<String> closed) {
            this.closed = closed;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            lastFrameNanos = System.nanoTime(); // a part of a large snapshot is a sign of life too
            if (last) {
                if (!done) {
                    Instant now = Instant.now();
                    recorder.record(
                            partial.toString(),
                            now.getEpochSecond() * EventTime.MICROS_PER_SECOND
                                    + now.getNano() / 1000);
                    frames.incrementAndGet();
                }
                partial.setLength(0);
            }
            return null;
        }

        @Override
        public void onOpen(WebSocket ws) {
            // No per-part flow control: a multi-megabyte snapshot arrives in many parts, and
            // asking for each one costs a round trip through the client's executor.
            ws.request(Long.MAX_VALUE);
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            closed.complete("closed " + status);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete("failed: " + error);
        }
    }
}
