package dev.cvd.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Utf8Lines gives the lines BufferedReader gives over the same UTF-8 bytes, as Strings or as the
 * bytes they are decoded from.
 */
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
        for (int n = 0; n < 2_000; n++) {
            byte[] bytes = randomText(random, n % 10 == 0 ? 2_000 : 60);
            int buffer = 16 + random.nextInt(48);
            assertThat(lines(bytes, buffer)).as("case %d", n).isEqualTo(expected(bytes));
        }
    }

    /**
     * A line's bytes in the buffer are the bytes its String is decoded from, whether the lines are
     * taken as bytes, as Strings, or both ways in turn; the count of lines follows.
     */
    @Test
    void eachLineIsTheBytesItsStringIsDecodedFrom() throws IOException {
        SplittableRandom random = new SplittableRandom(2025_12_05);
        for (int n = 0; n < 2_000; n++) {
            byte[] bytes = randomText(random, n % 10 == 0 ? 2_000 : 60);
            if (n % 7 == 0) {
                bytes =
                        ("\uFEFF" + new String(bytes, StandardCharsets.UTF_8) + "\r\n")
                                .getBytes(StandardCharsets.UTF_8);
            }
            List<String> expected = expected(bytes);
            Utf8Lines in = new Utf8Lines(new ByteArrayInputStream(bytes), 16 + random.nextInt(48));
            for (int i = 0; i < expected.size(); i++) {
                if (random.nextBoolean()) {
                    assertThat(in.next()).as("case %d line %d", n, i).isEqualTo(expected.get(i));
                } else {
                    assertThat(in.advance()).isTrue();
                    byte[] line = Arrays.copyOfRange(in.buffer(), in.lineStart(), in.lineEnd());
                    assertThat(line).doesNotContain((byte) '\n', (byte) '\r');
                    assertThat(new String(line, StandardCharsets.UTF_8))
                            .as("case %d line %d", n, i)
                            .isEqualTo(expected.get(i));
                    assertThat(in.line()).isEqualTo(expected.get(i));
                }
                assertThat(in.lines()).isEqualTo(i + 1);
            }
            assertThat(in.advance()).isFalse();
            assertThat(in.next()).isNull();
            assertThat(in.lines()).isEqualTo(expected.size());
        }
    }

    /**
     * The search for line ends, eight bytes at a time, finds the first {@code \n} or {@code \r} of
     * every range as a byte by byte search does: whatever the range's start and end within the
     * eight-byte words, among other control characters and bytes beyond ASCII.
     */
    @Test
    void lineEndsAreFoundWhereverTheyLie() {
        SplittableRandom random = new SplittableRandom(2025_12_05);
        byte[] alphabet = {
            0,
            1,
            '\t',
            '\n',
            0x0B,
            0x0C,
            '\r',
            0x0E,
            0x1F,
            ' ',
            '"',
            'a',
            0x7F,
            (byte) 0x80,
            (byte) 0x8A,
            (byte) 0x8D,
            (byte) 0xFF
        };
        for (int n = 0; n < 3_000; n++) {
            byte[] b = new byte[random.nextInt(48)];
            int rare = random.nextInt(4); // some arrays with no line end at all, or few
            for (int i = 0; i < b.length; i++) {
                byte c = alphabet[random.nextInt(alphabet.length)];
                if ((c == '\n' || c == '\r') && random.nextInt(4) < rare) {
                    c = 'a';
                }
                b[i] = c;
            }
            for (int from = 0; from <= b.length; from++) {
                for (int to = from; to <= b.length; to++) {
                    int expected = -1;
                    for (int i = from; i < to && expected < 0; i++) {
                        if (b[i] == '\n' || b[i] == '\r') {
                            expected = i;
                        }
                    }
                    assertThat(Utf8Lines.terminator(b, from, to))
                            .as("%s [%d, %d)", Arrays.toString(b), from, to)
                            .isEqualTo(expected);
                }
            }
        }
    }

    /** Random UTF-8 text, malformed in places, with every kind of line end. */
    private static byte[] randomText(SplittableRandom random, int maxPieces) {
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
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int count = random.nextInt(maxPieces);
        for (int i = 0; i < count; i++) {
            out.writeBytes(pieces[random.nextInt(pieces.length)]);
        }
        return out.toByteArray();
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
