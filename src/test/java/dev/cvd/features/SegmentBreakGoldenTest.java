package dev.cvd.features;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cvd.market.MarketEvent;
import dev.cvd.market.Quote;
import dev.cvd.market.SegmentBreak;
import dev.cvd.market.Trade;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A {@link SegmentBreak} makes the product's next quote start a new segment, exactly as a gap of
 * more than 60 s would, without touching other products.
 */
class SegmentBreakGoldenTest {

    private static final long S = 1_000_000L;
    private static final long T0 = 1_786_309_548_000_000L;

    private static List<FeatureRow> rows(List<MarketEvent> events) {
        FeatureEngine engine = new FeatureEngine();
        List<FeatureRow> rows = new ArrayList<>();
        for (MarketEvent e : events) {
            engine.accept(e, (p, t, v) -> rows.add(new FeatureRow(p, t, v.clone())));
        }
        return rows;
    }

    @Test
    void theQuoteAfterABreakStartsANewSegment() {
        Quote q0 = new Quote("BTC-USD", T0, 100.0, 1.0, 100.2, 1.0);
        Quote q1 = new Quote("BTC-USD", T0 + S, 100.4, 3.0, 100.6, 1.0);
        Quote q2 = new Quote("BTC-USD", T0 + 2 * S, 100.8, 1.0, 101.0, 3.0);
        Quote e0 = new Quote("ETH-USD", T0, 2000.0, 1.0, 2000.2, 1.0);
        Quote e1 = new Quote("ETH-USD", T0 + 2 * S, 2000.4, 1.0, 2000.6, 1.0);
        Trade trade = new Trade("BTC-USD", T0 + S, 100.5, 2.0, dev.cvd.market.Side.BUY);

        List<FeatureRow> unbroken = rows(List.of(q0, e0, q1, trade, q2, e1));
        List<FeatureRow> broken =
                rows(
                        List.of(
                                q0,
                                e0,
                                q1,
                                trade,
                                new SegmentBreak("BTC-USD", T0 + S + S / 2),
                                q2,
                                e1));

        // Without the break the third BTC quote continues the segment: golden values.
        FeatureRow cont = unbroken.get(3);
        assertThat(cont.timeMicros()).isEqualTo(T0 + 2 * S);
        assertThat(cont.get("dt_prev_s")).isEqualTo(1.0);
        assertThat(cont.get("ret_1s")).isEqualTo(Math.log(100.9 / 100.5));
        assertThat(cont.get("trade_volume_30s")).isNaN(); // the segment is not 30 s old

        // With it, the same quote is a segment's first: instant features only.
        FeatureRow fresh = broken.get(3);
        assertThat(fresh.productId()).isEqualTo("BTC-USD");
        assertThat(fresh.timeMicros()).isEqualTo(T0 + 2 * S);
        assertThat(fresh.get("dt_prev_s")).isNaN();
        assertThat(fresh.get("ret_1s")).isNaN();
        assertThat(fresh.get("rv_30s")).isNaN();
        assertThat(fresh.get("spread_bps")).isEqualTo(1e4 * (101.0 - 100.8) / 100.9);
        assertThat(fresh.get("obi")).isEqualTo(-0.5);
        assertThat(fresh.get("obi_mean_30s")).isNaN();

        // Rows before the break and of the other product are unchanged.
        assertThat(broken).hasSameSizeAs(unbroken);
        for (int i : new int[] {0, 1, 2, 4}) {
            assertThat(broken.get(i)).as("row %d", i).isEqualTo(unbroken.get(i));
        }
        assertThat(broken.get(4).get("dt_prev_s")).isEqualTo(2.0); // ETH kept its segment
    }

    @Test
    void aBreakOfAProductNeverSeenChangesNothing() {
        Quote q0 = new Quote("BTC-USD", T0, 100.0, 1.0, 100.2, 1.0);
        Quote q1 = new Quote("BTC-USD", T0 + S, 100.4, 1.0, 100.6, 1.0);
        assertThat(rows(List.of(new SegmentBreak("SOL-USD", T0), q0, q1)))
                .isEqualTo(rows(List.of(q0, q1)));
    }
}
