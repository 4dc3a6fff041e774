package dev.cvd.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Utf8Lines gives the lines BufferedReader gives over the same UTF-8 bytes. */
class Utf8LinesTest {

    @Test
    void terminatorsEmptyLinesAndTheLastLineAreAsBufferedReaderReadsThem() throws IOException {
        String[] texts = {
            "",
            "one",
            "one\n",
            "one\ntwo",
            "a\r\nb\rc\n\nd\r\r\ne\r",
            "\n\n\r\r\n",
            "{\"product_id\":\"BTC-USD\",\"price\":\"91000.51\"}\n{\"é\":\"€ 😀\"}\n",
        };
        for (String text : texts) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            for (int buffer : new int[] {16, 17, 64, 1 << 16}) {
                assertThat(lines(bytes, buffer))
                        .as("%s, buffer %d", text, buffer)
                        .isEqualTo(expected(bytes));
            }
        }
    }

    @Test
    void randomBytesWithMalformedUtf8AndLongLinesReadAlike() throws IOException {
        SplittableRandom random = new SplittableRandom(2025_12_01);
        byte[][] pieces = {
            {'a'},
            {'b'},
            {'\n'},
            {'\r'},
            {'\r', '\n'},
            {(byte) 0xC3, (byte) 0xA9}, // é
            {(byte) 0xE2, (byte) 0x82, (byte) 0xAC}, // €
            {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80}, // an emoji
            {(byte) 0xC3},
            {(byte) 0xE2, (byte) 0x82},
            {(byte) 0xFF},
            {(byte) 0x80},
            {'"'},
            {' '}
        };
        for (int n = 0; n < 2_000; n++) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            int count = random.nextInt(n % 10 == 0 ? 2_000 : 60);
            for (int i = 0; i < count; i++) {
                out.writeBytes(pieces[random.nextInt(pieces.length)]);
            }
            byte[] bytes = out.toByteArray();
            int buffer = 16 + random.nextInt(48);
            assertThat(lines(bytes, buffer)).as("case %d", n).isEqualTo(expected(bytes));
        }
    }

    private static List<String> lines(byte[] bytes, int buffer) throws IOException {
        Utf8Lines in = new Utf8Lines(new ByteArrayInputStream(bytes), buffer);
        List<String> lines = new ArrayList<>();
        for (String line; (line = in.next()) != null; ) {
            lines.add(line);
        }
        return lines;
    }

    private static List<String> expected(byte[] bytes) throws IOException {
        BufferedReader in =
                new BufferedReader(
                        new InputStreamReader(
                                new ByteArrayInputStream(bytes), StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        for (String line; (line = in.readLine()) != null; ) {
            lines.add(line);
        }
        return lines;
    }
}
