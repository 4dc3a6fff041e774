package dev.cvd.ingest;

import dev.cvd.market.BookUpdate;
import dev.cvd.market.EventTime;
import dev.cvd.market.MarketEvent;
import dev.cvd.market.Quote;
import dev.cvd.market.Trade;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Records what a reader reports as the text lines of the golden files, one per callback:
 *
 * <pre>
 * Q BTC-USD 2025-11-08T15:12:31.463496Z bid=102020.47 bidQty=0.02944129 ask=102020.48 askQty=0.16980542
 * T BTC-USD 2026-08-09T21:05:42.514318Z price=65083.67 size=0.002186 side=BUY
 * B BTC-USD 2021-04-17T16:43:37.077736Z BID price=14.755 size=1.2
 * I subscriptions
 * R malformed_json
 * </pre>
 *
 * Times have exactly six fraction digits ({@code unknown} for {@link EventTime#UNKNOWN}); numbers
 * are the shortest decimal that reads back as the same double, in plain notation, or {@code NaN}.
 */
final class Transcript implements RecordingListener {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    final List<String> lines = new ArrayList<>();
    final List<MarketEvent> events = new ArrayList<>();
    final List<String> rejectedLines = new ArrayList<>();

    @Override
    public void onEvent(MarketEvent event) {
        events.add(event);
        lines.add(format(event));
    }

    @Override
    public void onIgnored(String reason) {
        lines.add("I " + reason);
    }

    @Override
    public void onRejected(String reason, String line) {
        lines.add("R " + reason);
        rejectedLines.add(line);
    }

    static String format(MarketEvent event) {
        if (event instanceof Quote q) {
            return "Q "
                    + q.productId()
                    + " "
                    + time(q.timeMicros())
                    + " bid="
                    + num(q.bid())
                    + " bidQty="
                    + num(q.bidQty())
                    + " ask="
                    + num(q.ask())
                    + " askQty="
                    + num(q.askQty());
        }
        if (event instanceof Trade t) {
            return "T "
                    + t.productId()
                    + " "
                    + time(t.timeMicros())
                    + " price="
                    + num(t.price())
                    + " size="
                    + num(t.size())
                    + " side="
                    + t.side();
        }
        BookUpdate b = (BookUpdate) event;
        return "B "
                + b.productId()
                + " "
                + time(b.timeMicros())
                + " "
                + b.side()
                + " price="
                + num(b.price())
                + " size="
                + num(b.size());
    }

    static String time(long micros) {
        if (micros == EventTime.UNKNOWN) {
            return "unknown";
        }
        return TIME.format(
                Instant.ofEpochSecond(
                        Math.floorDiv(micros, EventTime.MICROS_PER_SECOND),
                        Math.floorMod(micros, EventTime.MICROS_PER_SECOND) * 1000L));
    }

    static String num(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
