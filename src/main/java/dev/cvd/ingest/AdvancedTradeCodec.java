package dev.cvd.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.cvd.market.BookUpdate;
import dev.cvd.market.EventTime;
import dev.cvd.market.MarketEvent;
import dev.cvd.market.Trade;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * Decodes Coinbase Advanced Trade WebSocket frames: {@code {"channel", "timestamp", "sequence_num",
 * "events": [...]}}.
 *
 * <ul>
 *   <li>{@code ticker}, {@code ticker_batch}: every entry of every event, snapshot or update, is a
 *       quote at the frame's {@code timestamp}.
 *   <li>{@code market_trades}: every trade is a trade at its own {@code time} (the frame's if
 *       absent). Coinbase lists a message's trades newest first; they are emitted oldest first (the
 *       list reversed, then stably sorted by time), so that equal times keep execution order. The
 *       {@code side} field is the maker's side, so the taker side is the opposite: in the recorded
 *       session, 77 of 78 trades labelled {@code SELL} or {@code BUY} printed at or through the
 *       then best ask or bid respectively.
 *   <li>{@code l2_data}: one book update per entry of {@code updates}, {@code bid} or {@code
 *       offer}, {@code new_quantity} the new size (zero removes the level), at the frame's {@code
 *       timestamp} (contract v1; the entries' own {@code event_time} is not used).
 *   <li>{@code heartbeats}, {@code subscriptions}, {@code candles}, {@code status} and the
 *       authenticated channels are ignored.
 * </ul>
 */
final class AdvancedTradeCodec {

    private static final Comparator<Trade> BY_TIME = Comparator.comparingLong(Trade::timeMicros);

    private AdvancedTradeCodec() {}

    /**
     * Decodes one frame.
     *
     * @return null when events were appended to {@code out}, else the reason the frame is ignored
     */
    static String decode(String channel, JsonNode frame, Envelope env, List<MarketEvent> out) {
        String ignored =
                switch (channel) {
                    case "heartbeats" -> Reasons.HEARTBEAT;
                    case "subscriptions" -> Reasons.SUBSCRIPTIONS;
                    case "candles" -> Reasons.CANDLES;
                    case "status" -> Reasons.STATUS;
                    case "user", "futures_balance_summary" -> Reasons.PRIVATE_CHANNEL;
                    case "ticker", "ticker_batch", "market_trades", "l2_data" -> null;
                    default ->
                            throw new DecodeException(Reasons.UNKNOWN_TYPE, "channel " + channel);
                };
        if (ignored != null) {
            return ignored;
        }
        JsonNode events = frame.get("events");
        if (events == null || !events.isArray()) {
            throw new DecodeException(Reasons.UNKNOWN_FORMAT, "frame without events");
        }
        // The frame's timestamp is the exchange time of entries that carry none of their own.
        Envelope frameEnv = env.refine(Values.time(frame.get("timestamp")), null);
        switch (channel) {
            case "ticker", "ticker_batch" -> tickers(events, frameEnv, out);
            case "market_trades" -> trades(events, frameEnv, out);
            default -> book(events, frameEnv, out);
        }
        return null;
    }

    private static void tickers(JsonNode events, Envelope env, List<MarketEvent> out) {
        for (JsonNode event : events) {
            for (JsonNode ticker : entries(event, "tickers")) {
                // Entries carry no time of their own: the frame's timestamp is the event time.
                out.add(ExchangeCodec.quote(ticker, env));
            }
        }
    }

    private static void trades(JsonNode events, Envelope env, List<MarketEvent> out) {
        List<Trade> trades = new ArrayList<>();
        for (JsonNode event : events) {
            for (JsonNode t : entries(event, "trades")) {
                trades.add(
                        new Trade(
                                env.productOf(t),
                                env.requiredTime(Values.time(t.get("time")), t),
                                Values.number(t.get("price")),
                                Values.number(t.get("size")),
                                Sides.takerFromMaker(Values.text(t.get("side")))));
            }
        }
        Collections.reverse(trades);
        trades.sort(BY_TIME);
        out.addAll(trades);
    }

    private static void book(JsonNode events, Envelope env, List<MarketEvent> out) {
        for (JsonNode event : events) {
            String product = env.productOf(event);
            long time = env.timeOr(EventTime.UNKNOWN);
            for (JsonNode u : entries(event, "updates")) {
                out.add(
                        new BookUpdate(
                                product,
                                time,
                                Sides.book(Values.text(u.get("side"))),
                                Values.number(u.get("price_level")),
                                Values.number(u.get("new_quantity"))));
            }
        }
    }

    private static JsonNode entries(JsonNode event, String field) {
        JsonNode list = event.get(field);
        if (list == null || list.isNull()) {
            return MissingNode.getInstance();
        }
        if (!list.isArray()) {
            throw new DecodeException(Reasons.UNKNOWN_FORMAT, field + " is not an array");
        }
        return list;
    }
}
