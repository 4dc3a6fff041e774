package dev.cvd.ingest.live;

import dev.cvd.ingest.FrameRecorder;
import dev.cvd.ingest.OrderBook;
import dev.cvd.ingest.Reasons;
import dev.cvd.ingest.stage.IngestSettings;
import dev.cvd.ingest.stage.RawPublisher;
import dev.cvd.market.EventTime;
import dev.cvd.market.MarketEvent;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.websockets.next.WebSocketClientConnection;
import io.quarkus.websockets.next.WebSocketConnector;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import jakarta.enterprise.inject.Instance;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The live source of the ingest stage: Coinbase Advanced Trade market data over a WebSocket onto
 * {@code ticks.raw} (key = product), undecodable and error frames onto {@code ticks.dlq} with their
 * reason, every received frame optionally recorded.
 *
 * <p>Connection life: a fresh {@link WebSocketConnector} per attempt; on open, one subscribe
 * message per channel of {@link SubscribeMessages#CHANNELS}, {@link
 * CoinbaseSettings#subscribeSpacing()} apart. A close, a failed attempt, or a watchdog trip (no
 * frame at all, heartbeats included, for {@link CoinbaseSettings#watchdog()}) reconnects after an
 * exponential {@link Backoff} with jitter, and resubscribes. A sequence gap or a crossed book (see
 * {@link FeedProcessor}) unsubscribes and resubscribes {@code level2} for fresh snapshots, at most
 * {@link CoinbaseSettings#maxResyncsPerMinute()} times a minute, else reconnects.
 *
 * <p>Threads: WebSocket callbacks (event loop) only queue frames; one processing thread ({@code
 * cvd-coinbase}) decodes, records and publishes them in order; one control thread ({@code
 * cvd-coinbase-control}) owns the connection, the subscriptions, the backoff and the watchdog.
 * Backpressure through {@link RawPublisher}: at most {@link IngestSettings#maxInFlight()} records
 * are unacknowledged by Kafka; the processing thread waits beyond that while frames queue (up to
 * {@link CoinbaseSettings#queueCapacity()}, past which they are dropped, counted, and the gap
 * repaired by a resync).
 */
@ApplicationScoped
public class CoinbaseSource {

    /** Connection state, for health. */
    public enum State {
        IDLE,
        CONNECTING,
        STREAMING,
        BACKOFF,
        STOPPED
    }

    /** Channels whose last message age is a metric. */
    static final List<String> FRAME_CHANNELS =
            List.of("heartbeats", "ticker", "market_trades", "l2_data", "subscriptions");

    /** The {@code cvd-source} header of this source's dead letters. */
    static final String SOURCE = "coinbase";

    private static final Logger LOG = Logger.getLogger(CoinbaseSource.class);

    private sealed interface Item permits Opened, Frame {}

    private record Opened(long attempt) implements Item {}

    private record Frame(long attempt, String text, long receiveMicros, long receiveNanos)
            implements Item {}

    private final Instance<WebSocketConnector<CoinbaseFeedClient>> connectors;
    private final RawPublisher publisher;
    private final MeterRegistry registry;
    private final CoinbaseSettings settings;
    private final FeedProcessor processor;
    private final List<Meter> meters = new ArrayList<>();
    private final BlockingQueue<Item> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong resyncs = new AtomicLong();
    private final AtomicLong dlqCount = new AtomicLong();
    private final AtomicLong watchdogTrips = new AtomicLong();

    // Owned by the control thread (volatile for health readers).
    private ScheduledExecutorService control;
    private volatile State state = State.IDLE;
    private volatile long attempt;
    private volatile WebSocketClientConnection connection;
    private volatile long openedNanos;
    private volatile long lastFrameNanos;
    private volatile List<String> products = List.of();
    private Backoff backoff;
    private final ArrayDeque<Long> recentResyncs = new ArrayDeque<>();

    private volatile boolean running;
    private volatile Thread worker;
    private volatile FrameRecorder recorder;

    /** Sees every event published, on the processing thread (tests). */
    private volatile Consumer<MarketEvent> tap;

    public CoinbaseSource(
            Instance<WebSocketConnector<CoinbaseFeedClient>> connectors,
            RawPublisher publisher,
            MeterRegistry registry,
            CoinbaseSettings settings) {
        this.connectors = connectors;
        this.publisher = publisher;
        this.registry = registry;
        this.settings = settings;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.processor = new FeedProcessor(new Publisher());
        // Meters bound to this instance leave with it (see close()).
        meters.add(
                Gauge.builder("cvd.coinbase.connected", this, s -> s.connection != null ? 1 : 0)
                        .description("1 while a WebSocket connection to Coinbase is open")
                        .register(registry));
        meters.add(
                Gauge.builder("cvd.coinbase.subscriptions", this, s -> s.subscriptions().size())
                        .description(
                                "channels whose subscription Coinbase confirmed on this connection")
                        .register(registry));
        for (String ch : FRAME_CHANNELS) {
            meters.add(
                    Gauge.builder("cvd.coinbase.last.message.age", this, s -> s.ageSeconds(ch))
                            .tag("channel", ch)
                            .baseUnit("seconds")
                            .description(
                                    "time since the last frame of the channel (NaN before the first)")
                            .register(registry));
        }
        meters.add(
                FunctionCounter.builder("cvd.coinbase.frames", processor, FeedProcessor::frames)
                        .description("frames processed")
                        .register(registry));
        meters.add(
                FunctionCounter.builder("cvd.coinbase.reconnects", reconnects, AtomicLong::get)
                        .description("reconnections (closed, failed, watchdog, resync limit)")
                        .register(registry));
        meters.add(
                FunctionCounter.builder(
                                "cvd.coinbase.watchdog.trips", watchdogTrips, AtomicLong::get)
                        .register(registry));
        meters.add(
                FunctionCounter.builder(
                                "cvd.coinbase.sequence.gaps", processor, FeedProcessor::gaps)
                        .description("sequence_num gaps detected")
                        .register(registry));
        meters.add(
                FunctionCounter.builder(
                                "cvd.coinbase.sequence.missing", processor, FeedProcessor::missing)
                        .description("frames lost in sequence gaps")
                        .register(registry));
        meters.add(
                FunctionCounter.builder(
                                "cvd.coinbase.sequence.stale", processor, FeedProcessor::stale)
                        .description("repeated sequence numbers dropped")
                        .register(registry));
        meters.add(
                FunctionCounter.builder("cvd.coinbase.resyncs", resyncs, AtomicLong::get)
                        .description("level-2 resyncs requested")
                        .register(registry));
        meters.add(
                FunctionCounter.builder("cvd.coinbase.crossed", processor, FeedProcessor::crossed)
                        .description("crossed books detected")
                        .register(registry));
        meters.add(
                FunctionCounter.builder("cvd.coinbase.dlq", dlqCount, AtomicLong::get)
                        .description("frames sent to ticks.dlq")
                        .register(registry));
        meters.add(
                FunctionCounter.builder("cvd.coinbase.dropped", dropped, AtomicLong::get)
                        .description("frames dropped because the processing queue was full")
                        .register(registry));
    }

    /** Removes the meters bound to this instance, so a registry never reads a dead source. */
    @PreDestroy
    void removeMeters() {
        meters.forEach(registry::remove);
        meters.clear();
    }

    /**
     * Starts streaming the given products (connect, subscribe, and keep reconnecting) until {@link
     * #stop()}.
     *
     * @throws IllegalStateException if already started
     * @throws IllegalArgumentException if no product is given
     */
    public synchronized void start(List<String> productIds) {
        if (running) {
            throw new IllegalStateException("the Coinbase source is already running");
        }
        if (productIds.isEmpty()) {
            throw new IllegalArgumentException("no products to subscribe to");
        }
        products = List.copyOf(productIds);
        running = true;
        backoff =
                new Backoff(
                        settings.backoffInitial(),
                        settings.backoffMax(),
                        () -> ThreadLocalRandom.current().nextDouble());
        recorder =
                settings.recordDir()
                        .map(
                                d ->
                                        new FrameRecorder(
                                                Path.of(d),
                                                "coinbase",
                                                settings.recordMaxBytes(),
                                                settings.recordMaxAge()))
                        .orElse(null);
        queue.clear();
        processor.runStarted();
        Thread t = new Thread(this::processFrames, "cvd-coinbase");
        t.setDaemon(true);
        worker = t;
        t.start();
        control =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread c = new Thread(r, "cvd-coinbase-control");
                            c.setDaemon(true);
                            return c;
                        });
        long period = Math.max(50, settings.watchdog().toMillis() / 5);
        control.scheduleWithFixedDelay(this::watchdog, period, period, TimeUnit.MILLISECONDS);
        control.execute(this::connect);
        LOG.infof(
                "streaming %s from %s%s",
                products, settings.url(), settings.jwt().isPresent() ? " (with a JWT)" : "");
    }

    /** Closes the connection and stops, after publishing the frames already received. */
    public void stop() {
        ScheduledExecutorService c;
        Thread t;
        synchronized (this) {
            if (!running) {
                return;
            }
            running = false;
            c = control;
            t = worker;
        }
        try {
            c.submit(
                            () -> {
                                attempt = -Math.abs(attempt);
                                state = State.STOPPED;
                                closeConnection();
                            })
                    .get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debugf("closing the connection: %s", e);
        }
        c.shutdownNow();
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        FrameRecorder r = recorder;
        if (r != null) {
            r.close();
        }
    }

    // --- WebSocket callbacks (event loop: never block) ---

    void opened(long a, WebSocketClientConnection c) {
        if (a == attempt && running) {
            // Queued here, before any frame of the connection, so the sequence restarts in order.
            queue.offer(new Opened(a));
        }
        controlExecute(() -> onOpened(a, c));
    }

    void received(long a, String text) {
        long nanos = System.nanoTime();
        lastFrameNanos = nanos;
        Instant now = Instant.now();
        long micros = now.getEpochSecond() * EventTime.MICROS_PER_SECOND + now.getNano() / 1000;
        if (!queue.offer(new Frame(a, text, micros, nanos))) {
            dropped.incrementAndGet(); // the next frame's sequence gap triggers a resync
        }
    }

    void closed(long a, String why) {
        controlExecute(() -> onClosed(a, why));
    }

    void failed(long a, Throwable failure) {
        LOG.debugf("WebSocket error on attempt %d: %s", a, failure.toString());
    }

    // --- control thread ---

    private void controlExecute(Runnable r) {
        ScheduledExecutorService c = control;
        if (c != null && !c.isShutdown()) {
            try {
                c.execute(r);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // stopping
            }
        }
    }

    private void connect() {
        if (!running) {
            return;
        }
        long a = attempt = Math.abs(attempt) + 1;
        state = State.CONNECTING;
        Instance.Handle<WebSocketConnector<CoinbaseFeedClient>> handle = connectors.getHandle();
        handle.get()
                .baseUri(settings.url())
                .userData(CoinbaseFeedClient.ATTEMPT, a)
                .connect()
                .ifNoItem()
                .after(settings.connectTimeout())
                .fail()
                .subscribe()
                .with(
                        c -> {
                            handle.destroy(); // the connector, not the connection
                            controlExecute(() -> onOpened(a, c));
                        },
                        e -> {
                            handle.destroy();
                            controlExecute(() -> onConnectFailed(a, e));
                        });
    }

    private void onOpened(long a, WebSocketClientConnection c) {
        if (a != attempt || !running) {
            if (connection != c) {
                c.close().subscribe().with(ok -> {}, e -> {});
            }
            return;
        }
        if (connection == c) {
            return; // both the open callback and the connect result report it
        }
        connection = c;
        openedNanos = System.nanoTime();
        lastFrameNanos = openedNanos;
        state = State.STREAMING;
        LOG.infof("connected to %s (attempt %d), subscribing", settings.url(), a);
        long spacing = settings.subscribeSpacing().toNanos();
        List<String> channels = SubscribeMessages.CHANNELS;
        for (int i = 0; i < channels.size(); i++) {
            String msg = SubscribeMessages.subscribe(channels.get(i), products, settings.jwt());
            control.schedule(() -> send(a, msg), i * spacing, TimeUnit.NANOSECONDS);
        }
    }

    private void onConnectFailed(long a, Throwable e) {
        if (a != attempt || !running) {
            return;
        }
        LOG.warnf("connecting to %s failed: %s", settings.url(), e.toString());
        scheduleReconnect("connect_failed");
    }

    private void onClosed(long a, String why) {
        if (a != attempt || !running) {
            return;
        }
        LOG.warnf("connection to %s %s", settings.url(), why);
        connection = null;
        scheduleReconnect("closed");
    }

    private void send(long a, String message) {
        WebSocketClientConnection c = connection;
        if (a != attempt || c == null) {
            return;
        }
        // The message may hold the JWT: never log it.
        c.sendText(message)
                .subscribe()
                .with(ok -> {}, e -> LOG.warnf("sending a subscription failed: %s", e.toString()));
    }

    private void watchdog() {
        WebSocketClientConnection c = connection;
        if (c == null || !running) {
            return;
        }
        long silent = System.nanoTime() - lastFrameNanos;
        if (silent > settings.watchdog().toNanos()) {
            watchdogTrips.incrementAndGet();
            LOG.warnf(
                    "no frame for %d ms (watchdog %s): reconnecting",
                    silent / 1_000_000, settings.watchdog());
            closeAndReconnect("watchdog");
        }
    }

    private void closeAndReconnect(String reason) {
        attempt = -Math.abs(attempt); // the old connection's callbacks no longer count
        closeConnection();
        scheduleReconnect(reason);
    }

    private void closeConnection() {
        WebSocketClientConnection c = connection;
        connection = null;
        if (c != null) {
            c.close().subscribe().with(ok -> {}, e -> {});
        }
    }

    private void scheduleReconnect(String reason) {
        if (!running) {
            return;
        }
        reconnects.incrementAndGet();
        registry.counter("cvd.coinbase.reconnects.by.reason", "reason", reason).increment();
        if (openedNanos != 0
                && System.nanoTime() - openedNanos >= settings.stableAfter().toNanos()) {
            backoff.reset();
        }
        openedNanos = 0;
        Duration delay = backoff.next();
        state = State.BACKOFF;
        LOG.infof(
                "reconnecting in %d ms (%s, attempt %d)",
                delay.toMillis(), reason, backoff.attempts());
        control.schedule(this::connect, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void resync(String reason) {
        resyncs.incrementAndGet();
        registry.counter("cvd.coinbase.resyncs.by.reason", "reason", reason).increment();
        long now = System.nanoTime();
        while (!recentResyncs.isEmpty() && now - recentResyncs.peekFirst() > 60_000_000_000L) {
            recentResyncs.pollFirst();
        }
        WebSocketClientConnection c = connection;
        if (c == null) {
            processor.resyncAbandoned(); // the next connection's snapshots repair the books
            return;
        }
        if (recentResyncs.size() >= settings.maxResyncsPerMinute()) {
            LOG.warnf(
                    "level-2 resync (%s) over the limit of %d a minute: reconnecting",
                    reason, settings.maxResyncsPerMinute());
            processor.resyncAbandoned();
            closeAndReconnect("resync_limit");
            return;
        }
        recentResyncs.addLast(now);
        LOG.infof("level-2 resync (%s): unsubscribe and subscribe level2", reason);
        long a = attempt;
        send(a, SubscribeMessages.unsubscribe(SubscribeMessages.LEVEL2, products, settings.jwt()));
        String sub =
                SubscribeMessages.subscribe(SubscribeMessages.LEVEL2, products, settings.jwt());
        control.schedule(
                () -> send(a, sub), settings.subscribeSpacing().toNanos(), TimeUnit.NANOSECONDS);
    }

    // --- processing thread ---

    private void processFrames() {
        long current = Long.MIN_VALUE;
        FrameRecorder r = recorder;
        try {
            while (running || !queue.isEmpty()) {
                Item item = queue.poll(100, TimeUnit.MILLISECONDS);
                if (item instanceof Opened o) {
                    current = o.attempt();
                    Instant now = Instant.now();
                    processor.connectionOpened(
                            now.getEpochSecond() * EventTime.MICROS_PER_SECOND
                                    + now.getNano() / 1000);
                } else if (item instanceof Frame f) {
                    if (r != null) {
                        try {
                            r.record(f.text(), f.receiveMicros());
                        } catch (java.io.UncheckedIOException e) {
                            LOG.errorf("recording stopped: %s", e.getMessage());
                            r = null;
                        }
                    }
                    if (f.attempt() != current) {
                        continue; // a frame of a connection already replaced
                    }
                    processor.onFrame(f.text(), f.receiveMicros(), f.receiveNanos());
                }
            }
            publisher.drain(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.errorf(e, "the Coinbase processing thread failed");
        }
    }

    private final class Publisher implements FeedProcessor.Sink {

        @Override
        public void event(MarketEvent event) throws InterruptedException {
            publish(event);
        }

        @Override
        public void rejected(String reason, String frame) throws InterruptedException {
            if (Reasons.ERROR_FRAME.equals(reason)) {
                LOG.warnf("Coinbase error frame: %s", clip(frame));
            } else {
                LOG.debugf("frame rejected (%s): %s", reason, clip(frame));
            }
            reject(reason, frame);
        }

        @Override
        public void resyncLevel2(String reason) {
            controlExecute(() -> resync(reason));
        }
    }

    private void publish(MarketEvent event) throws InterruptedException {
        Consumer<MarketEvent> t = tap;
        if (t != null) {
            t.accept(event);
        }
        publisher.publish(event);
    }

    private void reject(String reason, String frame) throws InterruptedException {
        dlqCount.incrementAndGet();
        publisher.reject(reason, frame, SOURCE);
    }

    private static String clip(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }

    // --- health ---

    /** Lets tests see every event as it is published, on the processing thread; null for none. */
    void tap(Consumer<MarketEvent> listener) {
        tap = listener;
    }

    /** Whether {@link #start} was called and {@link #stop} not yet. */
    public boolean running() {
        return running;
    }

    public State state() {
        return state;
    }

    /** Whether a connection is open. */
    public boolean connected() {
        return connection != null;
    }

    /** The products streamed. */
    public List<String> products() {
        return products;
    }

    /** Subscriptions Coinbase confirmed on this connection: channel to products. */
    public Map<String, List<String>> subscriptions() {
        return processor.subscriptions();
    }

    /** Seconds since the last frame of a channel, NaN if none yet. */
    public double ageSeconds(String channel) {
        Long t = processor.lastFrameNanos().get(channel);
        return t == null ? Double.NaN : (System.nanoTime() - t) / 1e9;
    }

    /** Seconds since the last frame of any channel on any connection, NaN if none. */
    public double lastFrameAgeSeconds() {
        long t = lastFrameNanos;
        return t == 0 ? Double.NaN : (System.nanoTime() - t) / 1e9;
    }

    /** Last message age per channel (seconds; channels seen so far). */
    public Map<String, Double> messageAges() {
        Map<String, Double> ages = new LinkedHashMap<>();
        for (String ch : FRAME_CHANNELS) {
            double a = ageSeconds(ch);
            if (!Double.isNaN(a)) {
                ages.put(ch, a);
            }
        }
        return ages;
    }

    public long reconnects() {
        return reconnects.get();
    }

    public long watchdogTrips() {
        return watchdogTrips.get();
    }

    public long gaps() {
        return processor.gaps();
    }

    public long resyncs() {
        return resyncs.get();
    }

    public long crossedBooks() {
        return processor.crossed();
    }

    public long deadLettered() {
        return dlqCount.get();
    }

    /** Frames processed so far. */
    public long framesProcessed() {
        return processor.frames();
    }

    public long dropped() {
        return dropped.get();
    }

    /** Connection attempts made so far (the current attempt's number). */
    public long attempts() {
        return Math.abs(attempt);
    }

    /** The watchdog limit, for health. */
    public Duration watchdogLimit() {
        return settings.watchdog();
    }

    /** Whether a level-2 resync was asked for and its snapshots have not all arrived. */
    public boolean resyncPending() {
        return processor.resyncPending();
    }

    /** Copies of the level-2 books, by product. */
    public Map<String, OrderBook> books() {
        return processor.books();
    }

    /** Closes the connection before the channels close; publishes what was received. */
    void onShutdown(
            @Observes(notifyObserver = Reception.IF_EXISTS) @Priority(1) ShutdownEvent event) {
        stop();
    }
}
