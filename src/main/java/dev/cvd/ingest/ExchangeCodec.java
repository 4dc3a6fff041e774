package dev.cvd.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cvd.market.BookSide;
import dev.cvd.market.BookUpdate;
import dev.cvd.market.MarketEvent;
import dev.cvd.market.Quote;
import dev.cvd.market.Trade;
import java.util.List;

/**
 * Decodes messages of the Coinbase Exchange feed (formerly Coinbase Pro, {@code ws-feed}), which
 * carry a {@code type}, and the Advanced Trade {@code ticker} entries, which share the ticker's
 * shape.
 *
 * <ul>
 *   <li>{@code ticker}: a quote from {@code best_bid}, {@code best_ask} and their sizes ({@code
 *       best_bid_size} on the Exchange feed, {@code best_bid_quantity} in Advanced Trade entries;
 *       NaN if absent, as in 2021 recordings), at the message's {@code time}, else the receive
 *       time.
 *   <li>{@code match}, {@code last_match}: a trade at {@code time}. The Exchange reports the
 *       maker's side, so the taker side is the opposite.
 *   <li>{@code snapshot}: one book update per level of {@code bids} and {@code asks} (bids first),
 *       at the message's {@code time} if any, else the receive time, else unknown.
 *   <li>{@code l2update}: one book update per change {@code [side, price, size]}.
 *   <li>{@code subscriptions}, {@code heartbeat}, {@code status}, and sent {@code subscribe} or
 *       {@code unsubscribe} requests: ignored.
 * </ul>
 */
final class ExchangeCodec {

    private ExchangeCodec() {}

    /** Whether {@link #decode} knows this {@code type}. */
    static boolean handles(String type) {
        return switch (type) {
            case "ticker",
                    "match",
                    "last_match",
                    "snapshot",
                    "l2update",
                    "subscriptions",
                    "heartbeat",
                    "status",
                    "subscribe",
                    "unsubscribe" ->
                    true;
            default -> false;
        };
    }

    /**
     * Decodes one message of a type that {@link #handles} accepts.
     *
     * @return null when events were appended to {@code out}, else the reason the message is ignored
     */
    static String decode(String type, JsonNode msg, Envelope env, List<MarketEvent> out) {
        switch (type) {
            case "ticker" -> out.add(quote(msg, env));
            case "match", "last_match" -> out.add(trade(msg, env));
            case "snapshot" -> snapshot(msg, env, out);
            case "l2update" -> l2update(msg, env, out);
            case "subscriptions" -> {
                return Reasons.SUBSCRIPTIONS;
            }
            case "heartbeat" -> {
                return Reasons.HEARTBEAT;
            }
            case "status" -> {
                return Reasons.STATUS;
            }
            case "subscribe", "unsubscribe" -> {
                return Reasons.SENT;
            }
            default -> throw new DecodeException(Reasons.UNKNOWN_TYPE, "type " + type);
        }
        return null;
    }

    /** A ticker message or Advanced Trade ticker entry as a quote. */
    static Quote quote(JsonNode msg, Envelope env) {
        String product = env.productOf(msg);
        long time = env.requiredTime(Values.time(msg.get("time")), msg);
        return new Quote(
                product,
                time,
                Values.number(msg.get("best_bid")),
                size(msg, "best_bid_size", "best_bid_quantity"),
                Values.number(msg.get("best_ask")),
                size(msg, "best_ask_size", "best_ask_quantity"));
    }

    private static double size(JsonNode msg, String exchangeName, String advancedTradeName) {
        JsonNode v = msg.get(exchangeName);
        return Values.number(v != null ? v : msg.get(advancedTradeName));
    }

    private static Trade trade(JsonNode msg, Envelope env) {
        String product = env.productOf(msg);
        long time = env.requiredTime(Values.time(msg.get("time")), msg);
        return new Trade(
                product,
                time,
                Values.number(msg.get("price")),
                Values.number(msg.get("size")),
                Sides.takerFromMaker(Values.text(msg.get("side"))));
    }

    private static void snapshot(JsonNode msg, Envelope env, List<MarketEvent> out) {
        String product = env.productOf(msg);
        long time = env.timeOr(Values.time(msg.get("time")));
        levels(msg.get("bids"), product, time, BookSide.BID, out);
        levels(msg.get("asks"), product, time, BookSide.ASK, out);
    }

    private static void levels(
            JsonNode levels, String product, long time, BookSide side, List<MarketEvent> out) {
        if (levels == null || levels.isNull()) {
            return;
        }
        if (!levels.isArray()) {
            throw new DecodeException(Reasons.BAD_LEVEL, "levels are not an array");
        }
        for (JsonNode level : levels) {
            // [price, size] on the WebSocket feed, [price, size, order count] from REST.
            if (!level.isArray() || level.size() < 2) {
                throw new DecodeException(Reasons.BAD_LEVEL, "level is not [price, size]");
            }
            out.add(
                    new BookUpdate(
                            product,
                            time,
                            side,
                            Values.number(level.get(0)),
                            Values.number(level.get(1))));
        }
    }

    private static void l2update(JsonNode msg, Envelope env, List<MarketEvent> out) {
        String product = env.productOf(msg);
        long time = env.timeOr(Values.time(msg.get("time")));
        JsonNode changes = msg.get("changes");
        if (changes == null || !changes.isArray()) {
            throw new DecodeException(Reasons.BAD_LEVEL, "l2update without changes");
        }
        for (JsonNode change : changes) {
            if (!change.isArray() || change.size() < 3) {
                throw new DecodeException(Reasons.BAD_LEVEL, "change is not [side, price, size]");
            }
            out.add(
                    new BookUpdate(
                            product,
                            time,
                            Sides.book(Values.text(change.get(0))),
                            Values.number(change.get(1)),
                            Values.number(change.get(2))));
        }
    }
}
