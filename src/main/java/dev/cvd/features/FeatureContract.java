package dev.cvd.features;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Feature contract v1: the names and order of the feature columns. The definitions are in the
 * project's design document and implemented by {@link FeatureEngine}; changing any of them needs a
 * new contract version.
 */
public final class FeatureContract {

    /** The contract version carried by every feature row and model bundle. */
    public static final int VERSION = 1;

    /** Return horizons in seconds, for {@code ret_{k}s}. */
    static final int[] RETURN_LAGS_S = {1, 5, 30, 60};

    /** Window lengths in seconds, for every windowed feature. */
    static final int[] WINDOWS_S = {30, 60, 300};

    /** Feature names in column order: the table order of the contract, windows ascending. */
    public static final List<String> NAMES =
            List.of(
                    "ret_1s",
                    "ret_5s",
                    "ret_30s",
                    "ret_60s",
                    "rv_30s",
                    "rv_60s",
                    "rv_300s",
                    "quote_rate_30s",
                    "quote_rate_60s",
                    "quote_rate_300s",
                    "spread_bps",
                    "spread_mean_30s",
                    "spread_mean_60s",
                    "spread_mean_300s",
                    "obi",
                    "obi_mean_30s",
                    "obi_mean_60s",
                    "obi_mean_300s",
                    "trade_rate_30s",
                    "trade_rate_60s",
                    "trade_rate_300s",
                    "trade_volume_30s",
                    "trade_volume_60s",
                    "trade_volume_300s",
                    "trade_imbalance_30s",
                    "trade_imbalance_60s",
                    "trade_imbalance_300s",
                    "dt_prev_s");

    /** Number of feature columns. */
    public static final int SIZE = NAMES.size();

    private static final Map<String, Integer> INDEX = index();

    static final int RET = 0;
    static final int RV = 4;
    static final int QUOTE_RATE = 7;
    static final int SPREAD_BPS = 10;
    static final int SPREAD_MEAN = 11;
    static final int OBI = 14;
    static final int OBI_MEAN = 15;
    static final int TRADE_RATE = 18;
    static final int TRADE_VOLUME = 21;
    static final int TRADE_IMBALANCE = 24;
    static final int DT_PREV = 27;

    /** Segment gap G: a quote more than this after the previous one starts a new segment. */
    public static final long SEGMENT_GAP_MICROS = 60_000_000L;

    private FeatureContract() {}

    /**
     * @return the column index of a feature name
     * @throws IllegalArgumentException if the name is not a v1 feature
     */
    public static int indexOf(String name) {
        int i = indexOrMinusOne(name);
        if (i < 0) {
            throw new IllegalArgumentException("not a contract v1 feature: " + name);
        }
        return i;
    }

    /** The column index of a feature name, or -1 if the name is not a v1 feature. */
    public static int indexOrMinusOne(String name) {
        Integer i = INDEX.get(name);
        return i == null ? -1 : i;
    }

    private static Map<String, Integer> index() {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < NAMES.size(); i++) {
            m.put(NAMES.get(i), i);
        }
        return Map.copyOf(m);
    }
}
