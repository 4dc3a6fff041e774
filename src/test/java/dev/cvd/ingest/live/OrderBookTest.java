package dev.cvd.ingest.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cvd.ingest.OrderBook;
import dev.cvd.ingest.SequenceTracker;
import dev.cvd.market.BookSide;
import dev.cvd.market.BookUpdate;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The plain-Java parts of the live source: book, sequence check, backoff. */
class OrderBookTest {

    @Test
    void levelsAreSetReplacedAndRemovedAndTheBestPricesFollow() {
        OrderBook book = new OrderBook("BTC-USD");
        book.apply(BookSide.BID, 100.0, 1.0);
        book.apply(BookSide.BID, 101.0, 2.0);
        book.apply(BookSide.ASK, 103.0, 3.0);
        book.apply(BookSide.ASK, 102.0, 4.0);
        assertThat(book.bestBid()).isEqualTo(101.0);
        assertThat(book.bestBidSize()).isEqualTo(2.0);
        assertThat(book.bestAsk()).isEqualTo(102.0);
        assertThat(book.bestAskSize()).isEqualTo(4.0);

        book.apply(new BookUpdate("BTC-USD", 0, BookSide.BID, 101.0, 0.0));
        book.apply(BookSide.ASK, 102.0, 0.5);
        assertThat(book.bestBid()).isEqualTo(100.0);
        assertThat(book.bestAskSize()).isEqualTo(0.5);
        assertThat(book.depth(BookSide.BID)).isEqualTo(1);
        assertThat(book.levels(BookSide.ASK).keySet()).containsExactly(102.0, 103.0);
        assertThat(book.isCrossed()).isFalse();

        book.clear();
        assertThat(book.isEmpty()).isTrue();
        assertThat(book.bestBid()).isNaN();
    }

    @Test
    void aBidAtOrAboveTheBestAskIsCrossed() {
        OrderBook book = new OrderBook("ETH-USD");
        book.apply(BookSide.BID, 10.0, 1.0);
        book.apply(BookSide.ASK, 11.0, 1.0);
        book.apply(BookSide.BID, 11.0, 1.0);
        assertThat(book.isCrossed()).isTrue();
        assertThat(book.copy().isCrossed()).isTrue();
    }

    @Test
    void badValuesAndForeignProductsAreRefusedWithoutChangingTheBook() {
        OrderBook book = new OrderBook("BTC-USD");
        assertThatThrownBy(() -> book.apply(BookSide.BID, Double.NaN, 1.0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> book.apply(BookSide.BID, 1.0, -1.0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> book.apply(new BookUpdate("ETH-USD", 0, BookSide.BID, 1, 1)))
                .hasMessageContaining("ETH-USD");
        assertThat(book.isEmpty()).isTrue();
    }

    @Test
    void sequenceNumbersCountGapsAndDropRepeats() {
        SequenceTracker seq = new SequenceTracker();
        assertThat(seq.observe(0)).isZero();
        assertThat(seq.observe(1)).isZero();
        assertThat(seq.observe(4)).isEqualTo(2);
        assertThat(seq.observe(4)).isEqualTo(SequenceTracker.STALE);
        assertThat(seq.observe(3)).isEqualTo(SequenceTracker.STALE);
        assertThat(seq.observe(5)).isZero();
        seq.reset(); // a new connection numbers from 0 again
        assertThat(seq.observe(0)).isZero();
        assertThat(seq.gaps()).isEqualTo(1);
        assertThat(seq.missing()).isEqualTo(2);
        assertThat(seq.stale()).isEqualTo(2);
    }

    @Test
    void backoffDoublesUpToItsMaximumWithJitterAndResets() {
        double[] r = {0.0};
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8), () -> r[0]);
        assertThat(b.next()).isEqualTo(Duration.ofMillis(500));
        assertThat(b.next()).isEqualTo(Duration.ofSeconds(1));
        assertThat(b.next()).isEqualTo(Duration.ofSeconds(2));
        r[0] = 0.999999999;
        assertThat(b.next()).isBetween(Duration.ofMillis(7999), Duration.ofSeconds(8));
        assertThat(b.next()).isBetween(Duration.ofMillis(7999), Duration.ofSeconds(8));
        b.reset();
        r[0] = 0.5;
        assertThat(b.next()).isEqualTo(Duration.ofMillis(750));
    }
}
