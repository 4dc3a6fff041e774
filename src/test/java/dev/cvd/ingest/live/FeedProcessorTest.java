package dev.cvd.ingest.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cvd.ingest.OrderBook;
import dev.cvd.market.BookSide;
import dev.cvd.market.EventTime;
import dev.cvd.market.MarketEvent;
import dev.cvd.market.SegmentBreak;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The live frame logic on the real capture, without a connection. */
class FeedProcessorTest {

    private final List<MarketEvent> events = new ArrayList<>();
    private final List<String> rejected = new ArrayList<>();
    private final List<String> resyncs = new ArrayList<>();
    private final FeedProcessor processor =
            new FeedProcessor(
                    new FeedProcessor.Sink() {
                        @Override
                        public void event(MarketEvent event) {
                            events.add(event);
                        }

                        @Override
                        public void rejected(String reason, String frame) {
                            rejected.add(reason);
                        }

                        @Override
                        public void resyncLevel2(String reason) {
                            resyncs.add(reason);
                        }
                    });

    private void play(List<Capture.Recv> frames) throws InterruptedException {
        processor.connectionOpened(0);
        for (Capture.Recv f : frames) {
            processor.onFrame(f.data(), EventTime.fromEpochSeconds(f.ts()), System.nanoTime());
        }
    }

    @Test
    void theCaptureFramesGiveTheEventsOfReadingTheCaptureFileAndTheReferenceBook()
            throws Exception {
        List<Capture.Recv> frames = Capture.frames();
        play(frames);

        assertThat(events).containsExactlyElementsOf(Capture.events());
        assertThat(rejected).isEmpty();
        assertThat(resyncs).isEmpty();
        assertThat(processor.gaps()).isZero();
        assertThat(processor.subscriptions())
                .containsKeys("heartbeats", "ticker", "market_trades", "level2");
        ReferenceBook reference = new ReferenceBook();
        frames.stream()
                .filter(f -> f.channel().equals("l2_data"))
                .forEach(f -> reference.apply(f.data()));
        Map<String, OrderBook> books = processor.books();
        assertThat(books.keySet()).containsExactly("BTC-USD", "ETH-USD");
        for (String p : books.keySet()) {
            for (BookSide side : BookSide.values()) {
                assertThat(ReferenceBook.levelsOf(books.get(p), side))
                        .isEqualTo(reference.levels(p, side));
            }
            assertThat(books.get(p).isCrossed()).isFalse();
        }
    }

    @Test
    void aSkippedSequenceNumberIsAGapThatAsksForOneResync() throws Exception {
        List<Capture.Recv> frames = new ArrayList<>(Capture.frames());
        frames.remove(200);
        frames.remove(300);
        play(frames);

        assertThat(processor.gaps()).isEqualTo(2);
        assertThat(processor.missing()).isEqualTo(2);
        // Each gap breaks the segment of every product seen so far.
        assertThat(events.stream().filter(e -> e instanceof SegmentBreak).map(e -> e.productId()))
                .containsExactly("BTC-USD", "ETH-USD", "BTC-USD", "ETH-USD");
        assertThat(resyncs).containsExactly(FeedProcessor.GAP); // pending: not asked twice
        assertThat(processor.resyncPending()).isTrue();
    }

    @Test
    void aRepeatedFrameIsDroppedNotPublishedTwice() throws Exception {
        List<Capture.Recv> frames = new ArrayList<>(Capture.frames());
        frames.add(500, frames.get(499));
        play(frames);

        assertThat(events).containsExactlyElementsOf(Capture.events());
        assertThat(processor.stale()).isEqualTo(1);
    }

    @Test
    void errorAndMalformedFramesAreRejectedWithTheirReason() throws Exception {
        processor.connectionOpened(0);
        processor.onFrame("{\"type\":\"error\",\"message\":\"failure to subscribe\"}", 0, 0);
        processor.onFrame("{\"channel\":\"ticker\",", 0, 0);
        processor.onFrame("{\"channel\":\"level9\",\"sequence_num\":0,\"events\":[]}", 0, 0);

        assertThat(rejected).containsExactly("error_frame", "malformed_json", "unknown_type");
        assertThat(processor.errors()).isEqualTo(1);
        assertThat(events).isEmpty();
    }
}
