package dev.cvd.ingest;

import dev.cvd.market.BookSide;
import dev.cvd.market.BookUpdate;
import java.util.Collections;
import java.util.Comparator;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The level-2 order book of one product: the size resting at each price level, bids and offers,
 * built from snapshot and update levels ({@link BookUpdate}: the new total size at a price, zero
 * removes the level).
 *
 * <p>Prices are kept sorted (red-black trees), so an update and the best bid or ask cost O(log n)
 * in the number of levels of that side; memory is one tree entry (two boxed doubles) per level. The
 * book is <em>crossed</em> when both sides hold levels and the best bid is at or above the best
 * ask: a consistent feed never shows that, so it means a lost update and calls for a fresh
 * snapshot. Not thread-safe: one owner thread applies updates; hand out {@link #copy()}s.
 */
public final class OrderBook {

    private final String productId;
    private final TreeMap<Double, Double> bids = new TreeMap<>(Comparator.reverseOrder());
    private final TreeMap<Double, Double> asks = new TreeMap<>();

    /**
     * @param productId the product this book belongs to, for example {@code BTC-USD}
     */
    public OrderBook(String productId) {
        this.productId = Objects.requireNonNull(productId, "productId");
    }

    public String productId() {
        return productId;
    }

    /**
     * Sets the size at one price level; a size of zero removes the level.
     *
     * @throws IllegalArgumentException if the price is not finite and positive or the size not
     *     finite and non-negative (the book is left unchanged)
     */
    public void apply(BookSide side, double price, double size) {
        if (!(price > 0) || !Double.isFinite(price)) {
            throw new IllegalArgumentException("price must be finite and positive: " + price);
        }
        if (!(size >= 0) || !Double.isFinite(size)) {
            throw new IllegalArgumentException("size must be finite and >= 0: " + size);
        }
        TreeMap<Double, Double> levels = side == BookSide.BID ? bids : asks;
        if (size == 0) {
            levels.remove(price);
        } else {
            levels.put(price, size);
        }
    }

    /**
     * Applies one update of this book's product.
     *
     * @throws IllegalArgumentException for another product or a bad price or size
     */
    public void apply(BookUpdate update) {
        if (!productId.equals(update.productId())) {
            throw new IllegalArgumentException(
                    "update of " + update.productId() + " applied to the book of " + productId);
        }
        apply(update.side(), update.price(), update.size());
    }

    /** Removes every level (before a snapshot). */
    public void clear() {
        bids.clear();
        asks.clear();
    }

    /** The highest bid price, or NaN if there is no bid. */
    public double bestBid() {
        return bids.isEmpty() ? Double.NaN : bids.firstKey();
    }

    /** The lowest ask price, or NaN if there is no ask. */
    public double bestAsk() {
        return asks.isEmpty() ? Double.NaN : asks.firstKey();
    }

    /** Size at the best bid, or NaN. */
    public double bestBidSize() {
        return bids.isEmpty() ? Double.NaN : bids.firstEntry().getValue();
    }

    /** Size at the best ask, or NaN. */
    public double bestAskSize() {
        return asks.isEmpty() ? Double.NaN : asks.firstEntry().getValue();
    }

    /** Whether the best bid is at or above the best ask (both sides non-empty). */
    public boolean isCrossed() {
        return !bids.isEmpty() && !asks.isEmpty() && bids.firstKey() >= asks.firstKey();
    }

    /** Number of price levels on one side. */
    public int depth(BookSide side) {
        return (side == BookSide.BID ? bids : asks).size();
    }

    /** Whether both sides are empty. */
    public boolean isEmpty() {
        return bids.isEmpty() && asks.isEmpty();
    }

    /**
     * A read-only view of one side, price to size, best price first. A view, not a copy: read it
     * only on the owner thread.
     */
    public NavigableMap<Double, Double> levels(BookSide side) {
        return Collections.unmodifiableNavigableMap(side == BookSide.BID ? bids : asks);
    }

    /** An independent copy of this book. */
    public OrderBook copy() {
        OrderBook c = new OrderBook(productId);
        c.bids.putAll(bids);
        c.asks.putAll(asks);
        return c;
    }

    @Override
    public String toString() {
        return productId
                + " book: "
                + bids.size()
                + " bids, "
                + asks.size()
                + " asks, best "
                + bestBid()
                + " / "
                + bestAsk();
    }
}
