package dev.cvd.market;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonBytesTest {

    @Test
    void integersAreWrittenAsLongToStringWritesThem() {
        long[] values = {
            0,
            7,
            -7,
            9,
            10,
            99,
            100,
            1_764_607_486_123_456L,
            -1_764_607_486_123_456L,
            999_999_999_999_999_999L,
            1_000_000_000_000_000_000L,
            Long.MAX_VALUE,
            Long.MIN_VALUE,
            Long.MIN_VALUE + 1
        };
        JsonBytes out = new JsonBytes(1);
        for (long v : values) {
            assertThat(out.clear().number(v).toString()).isEqualTo(Long.toString(v));
        }
    }

    @Test
    void stringsAreEscapedAndEncodedAsWireTextWritesThem() {
        String[] values = {"", "BTC-USD", "a\"b\\c", "tab\tnew\nline\u0001\u001f", "é-€-\u2028-😀"};
        JsonBytes out = new JsonBytes(4);
        for (String v : values) {
            StringBuilder expected = new StringBuilder();
            WireText.appendString(expected, v);
            byte[] bytes = out.clear().string(v).toBytes();
            assertThat(bytes).isEqualTo(expected.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void piecesFollowEachOtherAndTheBufferGrows() {
        JsonBytes out = new JsonBytes(1);
        out.raw("{\"x\":".getBytes(StandardCharsets.UTF_8)).number(91000.51).ascii(",");
        out.number(1.5e-5).ascii(",").number(-3L).ascii(",").string("p").ascii("}");
        assertThat(out.toString()).isEqualTo("{\"x\":91000.51,1.5E-5,-3,\"p\"}");
        assertThat(out.length()).isEqualTo(out.toBytes().length);
    }
}
