package dev.cvd.market;

/** A side of the order book. */
public enum BookSide {
    BID,
    ASK
}
