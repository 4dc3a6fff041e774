package dev.cvd.ingest.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.cvd.ingest.OrderBook;
import dev.cvd.kafka.EmbeddedKafkaResource;
import dev.cvd.kafka.KafkaPlatform;
import dev.cvd.kafka.TopicReader;
import dev.cvd.market.BookSide;
import dev.cvd.market.MarketEvent;
import dev.cvd.market.RawEventCodec;
import dev.cvd.market.SegmentBreak;
import dev.cvd.market.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The live source against a local server playing the real capture (10x speed), through a real Kafka
 * broker: the happy path, then one fault per test, each detected and recovered from.
 */
@QuarkusTest
@WithTestResource(EmbeddedKafkaResource.class)
@WithTestResource(CaptureServerResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CoinbaseSourceTest {

    private static final List<String> PRODUCTS = List.of("BTC-USD", "ETH-USD");
    private static final List<MarketEvent> CAPTURE_EVENTS = Capture.events();

    @Inject CoinbaseSource source;
    @Inject KafkaPlatform kafka;
    @Inject MeterRegistry registry;

    private final List<MarketEvent> events = new CopyOnWriteArrayList<>();
    private CaptureServer server;
    private long reconnects;
    private long gaps;
    private long resyncs;
    private long crossed;
    private long watchdogTrips;
    private long deadLettered;

    @BeforeEach
    void resetServer() {
        server = CaptureServerResource.server;
        server.reset();
        events.clear();
        source.tap(events::add);
        reconnects = source.reconnects();
        gaps = source.gaps();
        resyncs = source.resyncs();
        crossed = source.crossedBooks();
        watchdogTrips = source.watchdogTrips();
        deadLettered = source.deadLettered();
    }

    @AfterEach
    void stopSource() {
        source.stop();
        source.tap(null);
    }

    @Test
    @Order(1)
    void aLiveFeedGivesTheEventsOfTheCaptureFileAndItsBookOnTicksRawAndOnDisk() throws Exception {
        source.start(PRODUCTS);

        awaitEvents(CAPTURE_EVENTS.size());
        RestAssured.get("/health/ready")
                .then()
                .body("checks.find { it.name == 'coinbase' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'coinbase' }.data.connected", equalTo(true))
                .body(
                        "checks.find { it.name == 'coinbase' }.data.subscriptions",
                        equalTo("heartbeats,level2,market_trades,ticker"));
        // Read from the registry the source registered in: the /metrics scrape of a test JVM that
        // has started several applications is not reliable for meters registered after start.
        assertThat(registry.get("cvd.coinbase.connected").gauge().value()).isEqualTo(1.0);
        assertThat(registry.get("cvd.coinbase.sequence.gaps").functionCounter().count()).isZero();
        assertThat(
                        registry.get("cvd.coinbase.last.message.age")
                                .tag("channel", "heartbeats")
                                .gauge()
                                .value())
                .isBetween(0.0, 15.0);
        source.stop();

        assertThat(events).containsExactlyElementsOf(CAPTURE_EVENTS);
        assertBooksMatchTheReference();
        assertThat(source.reconnects() - reconnects).isZero();
        assertThat(source.gaps() - gaps).isZero();
        assertThat(source.resyncs() - resyncs).isZero();
        assertThat(source.subscriptions())
                .containsKeys("heartbeats", "ticker", "market_trades", "level2");
        // One subscribe per channel, with the configured products, and nothing else.
        assertThat(server.received())
                .containsExactly(
                        "1 {\"type\":\"subscribe\",\"product_ids\":[\"BTC-USD\",\"ETH-USD\"],\"channel\":\"heartbeats\"}",
                        "1 {\"type\":\"subscribe\",\"product_ids\":[\"BTC-USD\",\"ETH-USD\"],\"channel\":\"ticker\"}",
                        "1 {\"type\":\"subscribe\",\"product_ids\":[\"BTC-USD\",\"ETH-USD\"],\"channel\":\"market_trades\"}",
                        "1 {\"type\":\"subscribe\",\"product_ids\":[\"BTC-USD\",\"ETH-USD\"],\"channel\":\"level2\"}");

        // ticks.raw holds the same events, in order per product (the key).
        try (TopicReader raw = new TopicReader(kafka.bootstrapServers(), Topics.RAW)) {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> raw.poll().size() >= CAPTURE_EVENTS.size());
            for (String product : PRODUCTS) {
                List<MarketEvent> streamed =
                        raw.poll().stream()
                                .filter(r -> product.equals(r.key()))
                                .map(r -> RawEventCodec.decode(r.value()))
                                .toList();
                assertThat(streamed)
                        .as(product)
                        .containsExactlyElementsOf(
                                CAPTURE_EVENTS.stream()
                                        .filter(e -> e.productId().equals(product))
                                        .toList());
            }
        }

        // The recording reads back to the same events.
        List<Path> files;
        try (Stream<Path> s = Files.list(CaptureServerResource.recordDir)) {
            files = s.filter(p -> p.toString().endsWith(".ndjson.gz")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        assertThat(Capture.read(files)).containsExactlyElementsOf(CAPTURE_EVENTS);
    }

    @Test
    @Order(2)
    void anAbruptCloseReconnectsResubscribesAndLosesNoQuoteOrTrade() {
        server.closeAt = server.frames().size() / 3;
        source.start(PRODUCTS);

        awaitEndOfCapture();

        assertThat(source.reconnects() - reconnects).isEqualTo(1);
        assertThat(server.connections()).isEqualTo(2);
        assertThat(events.stream().filter(e -> e instanceof SegmentBreak).map(e -> e.productId()))
                .containsExactlyInAnyOrderElementsOf(PRODUCTS);
        assertThat(server.received().stream().filter(m -> m.startsWith("2 ")))
                .hasSize(4)
                .allMatch(m -> m.contains("\"type\":\"subscribe\""));
        assertThat(Capture.quotesAndTrades(events))
                .containsExactlyElementsOf(Capture.quotesAndTrades(CAPTURE_EVENTS));
        assertBooksMatchTheReference();
    }

    @Test
    @Order(3)
    void silencePastTheWatchdogReconnects() {
        server.silenceAt = server.frames().size() / 2;
        source.start(PRODUCTS);

        awaitEndOfCapture();

        assertThat(source.watchdogTrips() - watchdogTrips).isEqualTo(1);
        assertThat(source.reconnects() - reconnects).isEqualTo(1);
        assertThat(server.connections()).isEqualTo(2);
        assertThat(Capture.quotesAndTrades(events))
                .containsExactlyElementsOf(Capture.quotesAndTrades(CAPTURE_EVENTS));
        assertBooksMatchTheReference();
    }

    @Test
    @Order(4)
    void aSequenceGapIsCountedAndResyncsTheBooks() {
        int lost = indexOfChannel("l2_data", server.frames().size() / 2);
        server.loseAt = lost;
        source.start(PRODUCTS);

        awaitEndOfCapture();

        assertThat(source.gaps() - gaps).isEqualTo(1);
        assertThat(source.resyncs() - resyncs).isEqualTo(1);
        assertThat(events.stream().filter(e -> e instanceof SegmentBreak).map(e -> e.productId()))
                .containsExactlyInAnyOrderElementsOf(PRODUCTS);
        assertThat(source.reconnects() - reconnects).isZero();
        assertThat(server.received())
                .contains(
                        "1 {\"type\":\"unsubscribe\",\"product_ids\":[\"BTC-USD\",\"ETH-USD\"],\"channel\":\"level2\"}");
        // The lost frame was a book update: no quote or trade is missing.
        assertThat(Capture.quotesAndTrades(events))
                .containsExactlyElementsOf(Capture.quotesAndTrades(CAPTURE_EVENTS));
        assertBooksMatchTheReference();
    }

    @Test
    @Order(5)
    void aMalformedFrameLandsInTheDlqWithItsReasonAndTheStreamGoesOn() {
        String malformed = "{\"channel\":\"ticker\",\"timestamp\":\"2026-08-09T21:05:50Z\",";
        server.injectBefore.put(server.frames().size() / 2, malformed);
        source.start(PRODUCTS);

        awaitEvents(CAPTURE_EVENTS.size());

        assertThat(events).containsExactlyElementsOf(CAPTURE_EVENTS);
        assertThat(source.deadLettered() - deadLettered).isEqualTo(1);
        assertThat(source.gaps() - gaps).isZero();
        try (TopicReader dlq = new TopicReader(kafka.bootstrapServers(), Topics.DLQ)) {
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () -> {
                                List<ConsumerRecord<String, String>> found =
                                        dlq.poll().stream()
                                                .filter(r -> malformed.equals(r.value()))
                                                .toList();
                                assertThat(found).hasSize(1);
                                ConsumerRecord<String, String> r = found.get(0);
                                assertThat(header(r, Topics.DLQ_REASON_HEADER))
                                        .isEqualTo("malformed_json");
                                assertThat(header(r, Topics.DLQ_STAGE_HEADER)).isEqualTo("ingest");
                                assertThat(header(r, Topics.DLQ_SOURCE_HEADER))
                                        .isEqualTo("coinbase");
                            });
        }
    }

    @Test
    @Order(6)
    void aCrossedBookTriggersAResyncThatRepairsIt() {
        String crossing =
                "{\"channel\":\"l2_data\",\"client_id\":\"\",\"timestamp\":\"2026-08-09T21:05:55Z\","
                        + CaptureServer.SEQ
                        + ",\"events\":[{\"type\":\"update\",\"product_id\":\"BTC-USD\",\"updates\":"
                        + "[{\"side\":\"bid\",\"event_time\":\"2026-08-09T21:05:55Z\","
                        + "\"price_level\":\"1000000\",\"new_quantity\":\"1\"}]}]}";
        server.injectBefore.put(indexOfChannel("l2_data", server.frames().size() / 2), crossing);
        source.start(PRODUCTS);

        awaitEndOfCapture();

        assertThat(source.crossedBooks() - crossed).isEqualTo(1);
        assertThat(source.resyncs() - resyncs).isEqualTo(1);
        assertThat(source.gaps() - gaps).isZero();
        assertThat(server.received())
                .contains(
                        "1 {\"type\":\"unsubscribe\",\"product_ids\":[\"BTC-USD\",\"ETH-USD\"],\"channel\":\"level2\"}");
        assertThat(Capture.quotesAndTrades(events))
                .containsExactlyElementsOf(Capture.quotesAndTrades(CAPTURE_EVENTS));
        assertBooksMatchTheReference();
    }

    private void awaitEvents(int count) {
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(
                        () ->
                                assertThat(events.size())
                                        .as(
                                                "events after %d frames (server at %d), %d dropped",
                                                source.framesProcessed(),
                                                server.position(),
                                                source.dropped())
                                        .isGreaterThanOrEqualTo(count));
    }

    /** The server played the whole capture and the client published every quote and trade. */
    private void awaitEndOfCapture() {
        int quotesAndTrades = Capture.quotesAndTrades(CAPTURE_EVENTS).size();
        await().atMost(Duration.ofSeconds(90))
                .until(
                        () ->
                                server.position() == server.frames().size()
                                        && Capture.quotesAndTrades(events).size() >= quotesAndTrades
                                        && !source.resyncPending());
        source.stop();
    }

    private void assertBooksMatchTheReference() {
        Map<String, OrderBook> books = source.books();
        ReferenceBook reference = server.books();
        assertThat(books.keySet()).containsAll(PRODUCTS);
        for (String p : PRODUCTS) {
            OrderBook book = books.get(p);
            assertThat(book.isCrossed()).as(p + " crossed").isFalse();
            for (BookSide side : BookSide.values()) {
                assertThat(ReferenceBook.levelsOf(book, side))
                        .as(p + " " + side)
                        .isEqualTo(reference.levels(p, side));
            }
        }
    }

    private int indexOfChannel(String channel, int from) {
        List<Capture.Recv> frames = server.frames();
        for (int i = from; i < frames.size(); i++) {
            if (frames.get(i).channel().equals(channel)) {
                return i;
            }
        }
        throw new IllegalStateException("no " + channel + " frame after " + from);
    }

    private static String header(ConsumerRecord<String, String> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
