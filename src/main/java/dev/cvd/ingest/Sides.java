package dev.cvd.ingest;

import dev.cvd.market.BookSide;
import dev.cvd.market.Side;

/** Side spellings of the Coinbase feeds and collectors. */
final class Sides {

    private Sides() {}

    /**
     * The taker side of a trade whose source reports the maker's side, as both Coinbase feeds do: a
     * maker {@code sell} means a buyer took the offer.
     */
    static Side takerFromMaker(String makerSide) {
        Side maker = parse(makerSide);
        return switch (maker) {
            case BUY -> Side.SELL;
            case SELL -> Side.BUY;
            case UNKNOWN -> Side.UNKNOWN;
        };
    }

    /** {@code buy} or {@code sell} in any case; anything else, or null, is unknown. */
    static Side parse(String side) {
        if (side == null) {
            return Side.UNKNOWN;
        }
        if (side.equalsIgnoreCase("buy")) {
            return Side.BUY;
        }
        if (side.equalsIgnoreCase("sell")) {
            return Side.SELL;
        }
        return Side.UNKNOWN;
    }

    /**
     * A book side: {@code bid} (Advanced Trade) or {@code buy} (Exchange) is the bid side; {@code
     * offer}, {@code ask} or {@code sell} is the ask side.
     */
    static BookSide book(String side) {
        if (side != null) {
            if (side.equalsIgnoreCase("bid") || side.equalsIgnoreCase("buy")) {
                return BookSide.BID;
            }
            if (side.equalsIgnoreCase("offer")
                    || side.equalsIgnoreCase("ask")
                    || side.equalsIgnoreCase("sell")) {
                return BookSide.ASK;
            }
        }
        throw new DecodeException(Reasons.BAD_LEVEL, "unknown book side: " + side);
    }
}
