package dev.cvd.features;

import dev.cvd.market.BookSide;
import dev.cvd.market.BookUpdate;
import dev.cvd.market.EventTime;
import dev.cvd.market.MarketEvent;
import dev.cvd.market.Quote;
import dev.cvd.market.Side;
import dev.cvd.market.Trade;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Shared helpers of the feature tests: event builders, runners and row comparison. */
final class FeatureTestSupport {

    /** 2026-01-01T00:00:00Z in UTC microseconds: the origin of the hand-built scenarios. */
    static final long T0 = 1_767_225_600_000_000L;

    static final long UNKNOWN = EventTime.UNKNOWN;

    private FeatureTestSupport() {}

    /** {@code T0 + seconds + micros}. */
    static long t(long seconds, long micros) {
        return T0 + seconds * 1_000_000L + micros;
    }

    /** {@code T0 + seconds}. */
    static long t(long seconds) {
        return t(seconds, 0);
    }

    static Quote q(
            String product, long time, double bid, double bidQty, double ask, double askQty) {
        return new Quote(product, time, bid, bidQty, ask, askQty);
    }

    static Trade tr(String product, long time, double price, double size, Side side) {
        return new Trade(product, time, price, size, side);
    }

    static BookUpdate book(String product, long time) {
        return new BookUpdate(product, time, BookSide.BID, 100.0, 1.0);
    }

    /** One emitted row, copied out of the sink. */
    record Row(String product, long time, double[] values, double[] scales) {
        double get(String name) {
            return values[FeatureContract.indexOf(name)];
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            sb.append(product).append(" @").append(time - T0).append("us {");
            for (int i = 0; i < values.length; i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                sb.append(FeatureContract.NAMES.get(i)).append('=').append(values[i]);
            }
            return sb.append('}').toString();
        }
    }

    /** Feeds events to one implementation and keeps what it emits. */
    interface Runner {
        void accept(MarketEvent e);

        List<Row> rows();

        Map<String, Long> rejected();
    }

    /** The implementations under test. */
    enum Impl {
        ENGINE,
        REFERENCE;

        Runner newRunner() {
            return this == ENGINE ? new EngineRunner() : new ReferenceRunner();
        }

        List<Row> run(List<? extends MarketEvent> events) {
            Runner r = newRunner();
            events.forEach(r::accept);
            return r.rows();
        }
    }

    static final class EngineRunner implements Runner {
        final FeatureEngine engine = new FeatureEngine();
        final List<Row> rows = new ArrayList<>();
        final FeatureRowSink sink =
                (p, time, values) ->
                        rows.add(
                                new Row(p, time, values.clone(), new double[FeatureContract.SIZE]));

        @Override
        public void accept(MarketEvent e) {
            engine.accept(e, sink);
        }

        @Override
        public List<Row> rows() {
            return rows;
        }

        @Override
        public Map<String, Long> rejected() {
            return new TreeMap<>(engine.rejectedByReason());
        }
    }

    static final class ReferenceRunner implements Runner {
        final ReferenceFeatures ref = new ReferenceFeatures();
        final List<Row> rows = new ArrayList<>();
        final FeatureRowSink sink =
                (p, time, values) -> rows.add(new Row(p, time, values.clone(), ref.lastScales()));

        @Override
        public void accept(MarketEvent e) {
            ref.accept(e, sink);
        }

        @Override
        public List<Row> rows() {
            return rows;
        }

        @Override
        public Map<String, Long> rejected() {
            return ref.rejectedByReason();
        }
    }

    /**
     * Whether {@code actual} matches {@code expected}: both NaN, or {@code |actual - expected| <=
     * rel * max(|actual|, |expected|, scale)}. With {@code scale == 0} an expected exact 0 must be
     * an exact 0.
     */
    static boolean close(double actual, double expected, double rel, double scale) {
        if (Double.isNaN(expected) || Double.isNaN(actual)) {
            return Double.isNaN(expected) && Double.isNaN(actual);
        }
        if (Double.isInfinite(expected) || Double.isInfinite(actual)) {
            return actual == expected;
        }
        double mag = Math.max(Math.max(Math.abs(actual), Math.abs(expected)), scale);
        return Math.abs(actual - expected) <= rel * mag;
    }

    /** A description of the first difference between two rows, or null if they match. */
    static String diff(Row actual, Row expected, double rel, boolean useScales) {
        if (!actual.product().equals(expected.product()) || actual.time() != expected.time()) {
            return "row key: got "
                    + actual.product()
                    + " @"
                    + (actual.time() - T0)
                    + "us, expected "
                    + expected.product()
                    + " @"
                    + (expected.time() - T0)
                    + "us";
        }
        if (actual.values().length != FeatureContract.SIZE) {
            return "row has " + actual.values().length + " values";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < FeatureContract.SIZE; i++) {
            double scale = useScales ? expected.scales()[i] : 0;
            if (!close(actual.values()[i], expected.values()[i], rel, scale)) {
                sb.append(
                        String.format(
                                "%n  %s: got %s, expected %s (diff %s)",
                                FeatureContract.NAMES.get(i),
                                actual.values()[i],
                                expected.values()[i],
                                actual.values()[i] - expected.values()[i]));
            }
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    /** An expected row: every feature NaN unless set. */
    static class Expect {
        final String product;
        final long time;
        final double[] values = new double[FeatureContract.SIZE];

        Expect(String product, long time) {
            this.product = product;
            this.time = time;
            Arrays.fill(values, Double.NaN);
        }

        Expect with(String name, double value) {
            values[FeatureContract.indexOf(name)] = value;
            return this;
        }

        Row row() {
            return new Row(product, time, values.clone(), new double[FeatureContract.SIZE]);
        }
    }

    static Expect expect(String product, long time) {
        return new Expect(product, time);
    }

    /** Java source that rebuilds an event, for printing a reproducing sequence. */
    static String source(MarketEvent e) {
        if (e instanceof Quote q) {
            return String.format(
                    "q(\"%s\", %s, %s, %s, %s, %s)",
                    q.productId(),
                    time(q.timeMicros()),
                    num(q.bid()),
                    num(q.bidQty()),
                    num(q.ask()),
                    num(q.askQty()));
        }
        if (e instanceof Trade t) {
            return String.format(
                    "tr(\"%s\", %s, %s, %s, Side.%s)",
                    t.productId(), time(t.timeMicros()), num(t.price()), num(t.size()), t.side());
        }
        BookUpdate b = (BookUpdate) e;
        return String.format("book(\"%s\", %s)", b.productId(), time(b.timeMicros()));
    }

    private static String time(long micros) {
        if (micros == UNKNOWN) {
            return "UNKNOWN";
        }
        long d = micros - T0;
        return "t(" + Math.floorDiv(d, 1_000_000L) + ", " + Math.floorMod(d, 1_000_000L) + ")";
    }

    private static String num(double v) {
        if (Double.isNaN(v)) {
            return "Double.NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "Double.POSITIVE_INFINITY" : "Double.NEGATIVE_INFINITY";
        }
        return Double.toString(v);
    }
}
