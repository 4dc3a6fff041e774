package dev.cvd.api.live;

import dev.cvd.scoring.stage.ScoredRow;
import io.micrometer.core.instrument.Counter;
import io.smallrye.mutiny.Uni;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * One client of the live stream: what it asked for and what waits to be sent to it.
 *
 * <p>Messages are written in batches: everything waiting is handed to the connection at once, and
 * the next batch goes when the connection has written the whole previous one. Predictions arrive in
 * bursts (a Kafka poll's worth at a time), so a client that keeps up gets every one of them. At
 * most {@code capacity} messages wait: when a client does not keep up and the queue is full, a new
 * message replaces the oldest waiting message of its product, or else the oldest waiting message
 * (counted as coalesced). A slow client so gets fewer messages, the newest always among them, and
 * memory stays bounded (at most {@code capacity} waiting and {@code capacity} being written).
 * Offering never blocks. Messages go out in the order offered.
 *
 * <p>Thread-safe: offers come from the scoring stage's thread (and the connection's, on open),
 * write completions from the connection's event loop.
 */
final class LiveSubscriber {

    private static final Logger LOG = Logger.getLogger(LiveSubscriber.class);

    private record Waiting(String product, String json) {}

    private final String id;
    private final Set<String> products;
    private final Function<String, Uni<Void>> send;
    private final int capacity;
    private final Counter sent;
    private final Counter coalesced;

    // Guarded by this.
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private final Set<String> offeredLive = new HashSet<>();
    private boolean sending;
    private boolean closed;

    /**
     * @param id the connection id, for logs
     * @param products the products the client wants; empty for all
     * @param send sends one text message; the Uni completes when it is written
     * @param capacity most messages waiting
     * @param sent counts messages written
     * @param coalesced counts waiting messages dropped for a newer one
     */
    LiveSubscriber(
            String id,
            Set<String> products,
            Function<String, Uni<Void>> send,
            int capacity,
            Counter sent,
            Counter coalesced) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        this.id = id;
        this.products = Set.copyOf(products);
        this.send = send;
        this.capacity = capacity;
        this.sent = sent;
        this.coalesced = coalesced;
    }

    /** Whether the client wants the predictions of this product. */
    boolean wants(String product) {
        return products.isEmpty() || products.contains(product);
    }

    /** Offers a new prediction of the stream. */
    void offer(ScoredRow scored, String json) {
        enqueue(scored.prediction().productId(), json, false);
    }

    /**
     * Offers the latest prediction of a product as the client connects; ignored if a prediction of
     * the stream was offered for that product already (it is as new or newer).
     */
    void offerLatest(ScoredRow scored, String json) {
        enqueue(scored.prediction().productId(), json, true);
    }

    /** Stops sending; what is waiting is dropped. */
    synchronized void close() {
        closed = true;
        waiting.clear();
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /** Messages waiting for the batch being written, for tests. */
    synchronized int waiting() {
        return waiting.size();
    }

    private void enqueue(String product, String json, boolean latest) {
        synchronized (this) {
            if (closed) {
                return;
            }
            if (latest) {
                if (offeredLive.contains(product)) {
                    return;
                }
            } else {
                offeredLive.add(product);
            }
            if (waiting.size() >= capacity) {
                dropOneFor(product);
                coalesced.increment();
            }
            waiting.add(new Waiting(product, json));
            if (sending) {
                return;
            }
            sending = true;
        }
        drain();
    }

    /** Makes room: the oldest waiting message of the product, or else the oldest of all. */
    private void dropOneFor(String product) {
        for (Iterator<Waiting> it = waiting.iterator(); it.hasNext(); ) {
            if (it.next().product().equals(product)) {
                it.remove();
                return;
            }
        }
        waiting.removeFirst();
    }

    /**
     * Writes batches until nothing waits. A batch whose writes all complete at once (on the
     * connection's own thread) continues this loop instead of recursing, so the stack stays flat.
     */
    private void drain() {
        while (true) {
            List<String> batch;
            synchronized (this) {
                if (closed || waiting.isEmpty()) {
                    sending = false;
                    return;
                }
                batch = new ArrayList<>(waiting.size());
                for (Waiting w : waiting) {
                    batch.add(w.json());
                }
                waiting.clear();
            }
            AtomicInteger unwritten = new AtomicInteger(batch.size());
            AtomicBoolean handedOver = new AtomicBoolean();
            Runnable written =
                    () -> {
                        if (!handedOver.compareAndSet(false, true)) {
                            drain(); // completed later: the loop below has returned
                        }
                    };
            try {
                for (String message : batch) {
                    send.apply(message)
                            .subscribe()
                            .with(
                                    ok -> {
                                        sent.increment();
                                        if (unwritten.decrementAndGet() == 0) {
                                            written.run();
                                        }
                                    },
                                    this::failed);
                }
            } catch (RuntimeException e) {
                failed(e);
                return;
            }
            if (handedOver.compareAndSet(false, true)) {
                return; // still being written: the last completion goes on
            }
        }
    }

    private void failed(Throwable t) {
        // The connection is closing or closed; its close callback unsubscribes it.
        LOG.debugf("live stream connection %s: send failed: %s", id, t.toString());
        synchronized (this) {
            closed = true;
            waiting.clear();
            sending = false;
        }
    }
}
