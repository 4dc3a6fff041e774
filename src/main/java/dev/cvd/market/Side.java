package dev.cvd.market;

/** The aggressor (taker) side of a trade. */
public enum Side {
    BUY,
    SELL,
    /** The source does not say which side took liquidity. */
    UNKNOWN
}
