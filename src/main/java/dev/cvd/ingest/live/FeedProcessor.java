package dev.cvd.ingest.live;

import dev.cvd.ingest.AdvancedTradeFrame;
import dev.cvd.ingest.OrderBook;
import dev.cvd.ingest.SequenceTracker;
import dev.cvd.market.BookUpdate;
import dev.cvd.market.MarketEvent;
import dev.cvd.market.SegmentBreak;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live feed's frame logic, free of any transport: decodes each frame of a connection (as a
 * {@link dev.cvd.ingest.RecordingReader} would read it from a capture), checks the connection's
 * sequence numbers, keeps a level-2 {@link OrderBook} per product from {@code l2_data} snapshots
 * and updates, tracks confirmed subscriptions and the last frame time per channel, and tells its
 * {@link Sink} what to publish, what to dead-letter and when the level-2 books need a fresh
 * snapshot.
 *
 * <ul>
 *   <li>A gap in {@code sequence_num} (a lost frame of whatever channel) makes the books suspect: a
 *       resync is requested ({@code gap}), and a {@link SegmentBreak} is published for every
 *       product seen, so that features do not span the hole. A reconnection within a run does the
 *       same. A repeated number is dropped, so nothing is published twice.
 *   <li>A book crossed after a frame is applied is wrong: a resync is requested ({@code
 *       crossed_book}).
 *   <li>While a resync is pending (until every product's new snapshot arrived) no second one is
 *       requested.
 *   <li>A rejected frame (malformed, unknown channel, bad values, a Coinbase {@code error} frame)
 *       goes to the sink's dead-letter side with its reason; the stream goes on.
 * </ul>
 *
 * <p>Thread-safety: {@link #onFrame} and {@link #connectionOpened} are called by one thread; the
 * counters may be read from any thread; {@link #books()} copies under the processor's lock.
 */
public final class FeedProcessor {

    /** Where a processor's output goes; called on the processing thread. */
    public interface Sink {

        /** One normalized event to publish. */
        void event(MarketEvent event) throws InterruptedException;

        /** A frame that could not be decoded, with its reason code. */
        void rejected(String reason, String frame) throws InterruptedException;

        /** The level-2 books need a fresh snapshot ({@code gap} or {@code crossed_book}). */
        void resyncLevel2(String reason);
    }

    /** Reason of a resync after a sequence gap. */
    public static final String GAP = "gap";

    /** Reason of a resync after a crossed book. */
    public static final String CROSSED = "crossed_book";

    /** Marks a pending resync while no book exists yet. */
    private static final String ANY = "*";

    private final Sink sink;
    private final SequenceTracker sequence = new SequenceTracker();
    private final Map<String, OrderBook> books = new TreeMap<>();
    private final Set<String> awaitingSnapshot = new HashSet<>();
    private final Set<String> products = new java.util.TreeSet<>();
    private int connectionsThisRun;
    private final Map<String, Long> lastFrameNanos = new ConcurrentHashMap<>();
    private volatile Map<String, List<String>> subscriptions = Map.of();
    private volatile long crossed;
    private volatile long rejected;
    private volatile long errors;
    private volatile long frames;

    public FeedProcessor(Sink sink) {
        this.sink = sink;
    }

    /**
     * A new connection: its sequence starts afresh and nothing is confirmed yet. The books are kept
     * until the connection's snapshots replace them. Every connection of a run but the first
     * publishes a {@link SegmentBreak} per product seen.
     *
     * @param nowMicros the time of the breaks, UTC microseconds
     */
    public synchronized void connectionOpened(long nowMicros) throws InterruptedException {
        sequence.reset();
        subscriptions = Map.of();
        if (connectionsThisRun++ > 0) {
            breakSegments(nowMicros); // whatever happened while disconnected is lost
        }
    }

    /** A new run of the source: its first connection follows no loss. */
    public synchronized void runStarted() {
        connectionsThisRun = 0;
    }

    private void breakSegments(long micros) throws InterruptedException {
        for (String p : products) {
            sink.event(new SegmentBreak(p, micros));
        }
    }

    /**
     * Processes one frame of the current connection.
     *
     * @param text the frame, verbatim
     * @param receiveMicros receive time, UTC microseconds
     * @param receiveNanos receive time on {@link System#nanoTime()}, for message ages
     */
    public synchronized void onFrame(String text, long receiveMicros, long receiveNanos)
            throws InterruptedException {
        frames++;
        AdvancedTradeFrame frame = AdvancedTradeFrame.decode(text, receiveMicros);
        if (frame.sequenceNum() >= 0) {
            long skipped = sequence.observe(frame.sequenceNum());
            if (skipped == SequenceTracker.STALE) {
                return;
            }
            if (skipped > 0) {
                breakSegments(receiveMicros);
                requestResync(GAP);
            }
        }
        if (frame.channel() != null) {
            lastFrameNanos.put(frame.channel(), receiveNanos);
        }
        switch (frame.outcome()) {
            case REJECTED -> {
                rejected++;
                if ("error".equals(frame.channel())) {
                    errors++;
                }
                sink.rejected(frame.reason(), text);
            }
            case IGNORED -> {
                if (!frame.subscriptions().isEmpty()) {
                    subscriptions = Map.copyOf(frame.subscriptions());
                }
            }
            case EVENTS -> events(frame);
        }
    }

    private void events(AdvancedTradeFrame frame) throws InterruptedException {
        Set<String> touched = null;
        if ("l2_data".equals(frame.channel())) {
            for (String p : frame.snapshotProducts()) {
                book(p).clear();
                awaitingSnapshot.remove(p);
                awaitingSnapshot.remove(ANY);
            }
            touched = new HashSet<>();
            for (MarketEvent e : frame.events()) {
                if (e instanceof BookUpdate u) {
                    try {
                        book(u.productId()).apply(u);
                    } catch (IllegalArgumentException bad) {
                        // NaN or negative values: the codec lets them through; the book cannot.
                        continue;
                    }
                    touched.add(u.productId());
                }
            }
        }
        for (MarketEvent e : frame.events()) {
            products.add(e.productId());
            sink.event(e);
        }
        if (touched != null && awaitingSnapshot.isEmpty()) {
            // While a resync is pending, a crossed book is the same fault, not a new one.
            for (String p : touched) {
                if (books.get(p).isCrossed()) {
                    crossed++;
                    requestResync(CROSSED);
                    break;
                }
            }
        }
    }

    private void requestResync(String reason) {
        if (!awaitingSnapshot.isEmpty()) {
            return; // the snapshots already asked for will repair this too
        }
        awaitingSnapshot.addAll(books.keySet());
        if (awaitingSnapshot.isEmpty()) {
            awaitingSnapshot.add(ANY); // no book yet: wait for any snapshot
        }
        sink.resyncLevel2(reason);
    }

    /** Called when a resync could not be sent (no connection): the next one may be asked for. */
    public synchronized void resyncAbandoned() {
        awaitingSnapshot.clear();
    }

    private OrderBook book(String product) {
        return books.computeIfAbsent(product, OrderBook::new);
    }

    /** Copies of the level-2 books, by product. */
    public synchronized Map<String, OrderBook> books() {
        Map<String, OrderBook> copy = new LinkedHashMap<>();
        books.forEach((p, b) -> copy.put(p, b.copy()));
        return copy;
    }

    /** Whether a resync was requested and its snapshots have not all arrived. */
    public synchronized boolean resyncPending() {
        return !awaitingSnapshot.isEmpty();
    }

    /** The subscriptions last confirmed on this connection: channel to products. */
    public Map<String, List<String>> subscriptions() {
        return subscriptions;
    }

    /** {@link System#nanoTime()} of the last frame per channel. */
    public Map<String, Long> lastFrameNanos() {
        return Map.copyOf(lastFrameNanos);
    }

    /** Sequence gaps detected. */
    public long gaps() {
        return sequence.gaps();
    }

    /** Frames lost in those gaps. */
    public long missing() {
        return sequence.missing();
    }

    /** Repeated sequence numbers dropped. */
    public long stale() {
        return sequence.stale();
    }

    /** Times a book was found crossed. */
    public long crossed() {
        return crossed;
    }

    /** Frames rejected (dead-lettered). */
    public long rejected() {
        return rejected;
    }

    /** Coinbase error frames received. */
    public long errors() {
        return errors;
    }

    /** Frames processed. */
    public long frames() {
        return frames;
    }
}
