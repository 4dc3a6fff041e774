package dev.cvd.ingest;

import dev.cvd.market.BookUpdate;
import dev.cvd.market.MarketEvent;
import dev.cvd.market.Quote;
import dev.cvd.market.Trade;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Counts what a {@link RecordingReader} reports, for summaries: events by kind, and ignored and
 * rejected lines by reason. It forwards every call to a downstream listener, if one is given, after
 * counting it.
 *
 * <p>Not thread-safe, like the reader that feeds it.
 */
public final class RejectTally implements RecordingListener {

    private static final RecordingListener NONE =
            new RecordingListener() {
                @Override
                public void onEvent(MarketEvent event) {}

                @Override
                public void onRejected(String reason, String line) {}
            };

    private final RecordingListener downstream;
    private final Map<String, Long> ignored = new TreeMap<>();
    private final Map<String, Long> rejected = new TreeMap<>();
    private long quotes;
    private long trades;
    private long bookUpdates;

    /** A tally that only counts. */
    public RejectTally() {
        this(NONE);
    }

    /** A tally that counts and forwards every call to {@code downstream}. */
    public RejectTally(RecordingListener downstream) {
        this.downstream = Objects.requireNonNull(downstream, "downstream");
    }

    @Override
    public void onEvent(MarketEvent event) {
        if (event instanceof Quote) {
            quotes++;
        } else if (event instanceof Trade) {
            trades++;
        } else if (event instanceof BookUpdate) {
            bookUpdates++;
        }
        downstream.onEvent(event);
    }

    @Override
    public void onIgnored(String reason) {
        ignored.merge(reason, 1L, Long::sum);
        downstream.onIgnored(reason);
    }

    @Override
    public void onRejected(String reason, String line) {
        rejected.merge(reason, 1L, Long::sum);
        downstream.onRejected(reason, line);
    }

    /** Ignored lines by reason, sorted by reason; a read-only view. */
    public Map<String, Long> ignored() {
        return Collections.unmodifiableMap(ignored);
    }

    /** Rejected lines by reason, sorted by reason; a read-only view. */
    public Map<String, Long> rejected() {
        return Collections.unmodifiableMap(rejected);
    }

    /** Ignored lines of one reason. */
    public long ignored(String reason) {
        return ignored.getOrDefault(reason, 0L);
    }

    /** Rejected lines of one reason. */
    public long rejected(String reason) {
        return rejected.getOrDefault(reason, 0L);
    }

    /** All ignored lines. */
    public long totalIgnored() {
        return ignored.values().stream().mapToLong(Long::longValue).sum();
    }

    /** All rejected lines. */
    public long totalRejected() {
        return rejected.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Quotes delivered. */
    public long quotes() {
        return quotes;
    }

    /** Trades delivered. */
    public long trades() {
        return trades;
    }

    /** Book updates delivered. */
    public long bookUpdates() {
        return bookUpdates;
    }

    /** For example {@code quotes=3 trades=0 book=0 ignored={blank=1} rejected={}}. */
    @Override
    public String toString() {
        return "quotes="
                + quotes
                + " trades="
                + trades
                + " book="
                + bookUpdates
                + " ignored="
                + ignored
                + " rejected="
                + rejected;
    }
}
