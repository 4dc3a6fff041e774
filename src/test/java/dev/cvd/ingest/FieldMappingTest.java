package dev.cvd.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cvd.market.Quote;
import dev.cvd.market.Side;
import dev.cvd.market.Trade;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FieldMappingTest {

    private static final long T0 = micros("2025-11-08T15:12:31.463496Z");

    private static long micros(String isoUtc) {
        Instant i = Instant.parse(isoUtc);
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
    }

    private static Transcript decode(FieldMapping mapping, String... lines) {
        RecordingReader reader = new RecordingReader(mapping);
        Transcript t = new Transcript();
        for (String line : lines) {
            reader.decodeLine(line, t);
        }
        return t;
    }

    @Test
    void overridesNameTheColumnsOfAnUnusualCsv() {
        FieldMapping m =
                FieldMapping.parse(
                        List.of(
                                "time=t",
                                "product=sym",
                                "bid=px_b",
                                "bid_qty=qb",
                                "ask=px_a",
                                "ask_qty=qa"),
                        null);

        Transcript t =
                decode(
                        m,
                        "t,sym,px_b,qb,px_a,qa",
                        "2025-11-08T15:12:31.463496Z,BTC-USD,102020.47,0.02944129,102020.48,0.16980542");

        assertThat(t.lines.get(0)).isEqualTo("I csv_header");
        assertThat(t.events)
                .containsExactly(
                        new Quote("BTC-USD", T0, 102020.47, 0.02944129, 102020.48, 0.16980542));
    }

    @Test
    void anOverrideReplacesTheCommonNames() {
        String row =
                "{\"ts\":\"2025-11-08T15:12:31.463496Z\",\"product_id\":\"BTC-USD\","
                        + "\"best_bid\":\"1\",\"my_bid\":\"2\",\"best_ask\":\"3\"}";

        assertThat(((Quote) decode(FieldMapping.DEFAULT, row).events.get(0)).bid()).isEqualTo(1);
        assertThat(
                        ((Quote)
                                        decode(FieldMapping.parse(List.of("bid=my_bid"), null), row)
                                                .events
                                                .get(0))
                                .bid())
                .isEqualTo(2);
    }

    @Test
    void alternativesAreTriedInOrder() {
        FieldMapping m = FieldMapping.parse(List.of("price=px|last"), "ETH-USD");
        String row = "{\"ts\":1762614751.463496,\"last\":\"5\",\"size\":\"0.1\",\"side\":\"sell\"}";

        assertThat(m.columns(FieldMapping.Field.PRICE)).containsExactly("px", "last");
        assertThat(m.isOverridden(FieldMapping.Field.PRICE)).isTrue();
        assertThat(m.isOverridden(FieldMapping.Field.BID)).isFalse();
        assertThat(decode(m, row).events)
                .containsExactly(new Trade("ETH-USD", T0, 5, 0.1, Side.SELL));
    }

    @Test
    void defaultProductFillsRowsWithoutOne() {
        String row = "{\"ts\":\"2025-11-08T15:12:31.463496Z\",\"bid\":\"1\",\"ask\":\"2\"}";

        assertThat(decode(FieldMapping.DEFAULT, row).lines).containsExactly("R missing_product");
        assertThat(decode(FieldMapping.parse(List.of(), "BTC-USD"), row).events)
                .containsExactly(new Quote("BTC-USD", T0, 1, Double.NaN, 2, Double.NaN));
        assertThat(FieldMapping.DEFAULT.withDefaultProduct("SOL-USD").defaultProduct())
                .contains("SOL-USD");
        assertThat(FieldMapping.parse(List.of(), "  ").defaultProduct()).isEmpty();
    }

    @Test
    void aRowsOwnProductWinsOverTheDefault() {
        String row =
                "{\"ts\":\"2025-11-08T15:12:31.463496Z\",\"pair\":\"ETH-USD\",\"bid\":\"1\",\"ask\":\"2\"}";

        assertThat(decode(FieldMapping.parse(List.of(), "BTC-USD"), row).events.get(0).productId())
                .isEqualTo("ETH-USD");
    }

    @Test
    void volume24hIsNeverATradeSize() {
        String row =
                "{\"ts\":\"2025-11-08T15:12:31Z\",\"product_id\":\"BTC-USD\",\"price\":\"1\","
                        + "\"volume_24h\":\"5410.7\"}";

        assertThat(decode(FieldMapping.DEFAULT, row).lines).containsExactly("R unknown_format");
    }

    @Test
    void tradeRowSideIsTakenAsGiven() {
        String row =
                "{\"time\":\"2025-11-08T15:12:31.463496Z\",\"symbol\":\"BTC-USD\",\"price\":1.5,"
                        + "\"qty\":\"2\",\"side\":\"BUY\"}";

        assertThat(decode(FieldMapping.DEFAULT, row).events)
                .containsExactly(new Trade("BTC-USD", T0, 1.5, 2, Side.BUY));
    }

    @Test
    void badSpecsAreRefused() {
        assertThatThrownBy(() -> FieldMapping.parse(List.of("bid"), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("field=name");
        assertThatThrownBy(() -> FieldMapping.parse(List.of("volume=v"), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown field 'volume'");
        assertThatThrownBy(() -> FieldMapping.parse(List.of("bid= "), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("names no column");
    }
}
