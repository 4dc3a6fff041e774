package dev.cvd.ingest.live;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cvd.ingest.OrderBook;
import dev.cvd.market.BookSide;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

/**
 * An independent level-2 rebuild straight from {@code l2_data} frames, on exact decimals: the
 * reference the client's {@link OrderBook}s are checked against, and the state the test server
 * sends as a fresh snapshot.
 */
final class ReferenceBook {

    /** product -> side ("bid"/"offer") -> price -> quantity text. */
    private final Map<String, Map<String, TreeMap<BigDecimal, String>>> books = new TreeMap<>();

    private String lastTimestamp = "1970-01-01T00:00:00Z";

    synchronized void clear() {
        books.clear();
    }

    /** Applies one {@code l2_data} frame. */
    synchronized void apply(String frame) {
        try {
            JsonNode f = Capture.JSON.readTree(frame);
            lastTimestamp = f.path("timestamp").asText(lastTimestamp);
            for (JsonNode event : f.path("events")) {
                String product = event.path("product_id").asText();
                Map<String, TreeMap<BigDecimal, String>> book = book(product);
                if ("snapshot".equals(event.path("type").asText())) {
                    book.values().forEach(Map::clear);
                }
                for (JsonNode u : event.path("updates")) {
                    TreeMap<BigDecimal, String> side = book.get(u.path("side").asText());
                    BigDecimal price = new BigDecimal(u.path("price_level").asText());
                    String qty = u.path("new_quantity").asText();
                    if (new BigDecimal(qty).signum() == 0) {
                        side.remove(price);
                    } else {
                        side.put(price, qty);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Map<String, TreeMap<BigDecimal, String>> book(String product) {
        return books.computeIfAbsent(
                product,
                p ->
                        Map.of(
                                "bid", new TreeMap<>(Comparator.reverseOrder()),
                                "offer", new TreeMap<>()));
    }

    /** Products with a book. */
    synchronized java.util.Set<String> products() {
        return new java.util.TreeSet<>(books.keySet());
    }

    /** One side as price to size doubles, the shape of {@link OrderBook#levels}. */
    synchronized Map<Double, Double> levels(String product, BookSide side) {
        Map<Double, Double> m = new TreeMap<>();
        book(product)
                .get(side == BookSide.BID ? "bid" : "offer")
                .forEach((p, q) -> m.put(p.doubleValue(), Double.parseDouble(q)));
        return m;
    }

    /** A snapshot frame of one product, as Coinbase sends it after a level2 subscribe. */
    synchronized String snapshotFrame(String product) {
        StringBuilder b = new StringBuilder(1 << 16);
        b.append("{\"channel\":\"l2_data\",\"client_id\":\"\",\"timestamp\":\"")
                .append(lastTimestamp)
                .append(
                        "\",\"sequence_num\":0,\"events\":[{\"type\":\"snapshot\",\"product_id\":\"")
                .append(product)
                .append("\",\"updates\":[");
        boolean first = true;
        for (String side : new String[] {"bid", "offer"}) {
            for (Map.Entry<BigDecimal, String> level : book(product).get(side).entrySet()) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                b.append("{\"side\":\"")
                        .append(side)
                        .append("\",\"event_time\":\"")
                        .append(lastTimestamp)
                        .append("\",\"price_level\":\"")
                        .append(level.getKey().toPlainString())
                        .append("\",\"new_quantity\":\"")
                        .append(level.getValue())
                        .append("\"}");
            }
        }
        return b.append("]}]}").toString();
    }

    /** Whether a client book holds exactly this reference's levels for its product. */
    static Map<Double, Double> levelsOf(OrderBook book, BookSide side) {
        return new TreeMap<>(book.levels(side));
    }
}
