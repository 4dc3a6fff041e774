package dev.cvd.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The UBJ reader on hand-made documents: every container form, and damaged input. */
class UbjModelReaderTest {

    @Test
    void readsTypedAndUntypedContainers() throws Exception {
        Ubj ubj = new Ubj().put('{');
        ubj.key("floats").put('[').put('$').put('d').put('#').put('U').put(2).f32(0.5f).f32(-1e-7f);
        ubj.key("bytes").put('[').put('$').put('U').put('#').put('i').put(3).put(0).put(1).put(255);
        ubj.key("mixed").put('[').put('S').put('U').put(1).put('x').put('Z').put(']');
        ubj.key("ints").put('[').put('#').put('U').put(2).put('I').i16(-300).put('l').i32(70000);
        ubj.key("sized").put('{').put('#').put('U').put(1).key("t").put('T');
        ubj.put('N').put('}');

        Map<String, Object> root = UbjModelReader.read(ubj.bytes());

        assertThat(((NumArray) root.get("floats")).toFloats()).containsExactly(0.5f, -1e-7f);
        assertThat(((NumArray) root.get("bytes")).toInts("bytes")).containsExactly(0, 1, 255);
        assertThat(root.get("mixed")).isEqualTo(Arrays.asList("x", null));
        assertThat(((NumArray) root.get("ints")).toInts("ints")).containsExactly(-300, 70000);
        assertThat(root.get("sized")).isEqualTo(Map.of("t", true));
    }

    @Test
    void refusesACountLargerThanTheBytesLeft() {
        Ubj ubj = new Ubj().put('{').key("a").put('[').put('$').put('d').put('#').put('l');
        ubj.i32(1_000_000_000).f32(1f);
        assertThatThrownBy(() -> UbjModelReader.read(ubj.bytes()))
                .isInstanceOf(InvalidModelException.class)
                .hasMessage("truncated at byte 17 (at byte 13: 1000000000 elements declared)");
    }

    @Test
    void refusesAnUnknownMarkerAndANonObjectRoot() {
        Ubj ubj = new Ubj().put('{').key("a").put('?');
        assertThatThrownBy(() -> UbjModelReader.read(ubj.bytes()))
                .hasMessage("malformed UBJ at byte 4: unknown marker '?'");
        assertThatThrownBy(() -> UbjModelReader.read(new byte[] {'[', ']'}))
                .hasMessage("malformed UBJ at byte 0: expected an object, found marker '['");
    }

    /** A tiny big-endian UBJ writer for the tests. */
    private static final class Ubj {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Ubj put(int b) {
            out.write(b);
            return this;
        }

        Ubj key(String key) {
            byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
            put('U').put(utf8.length);
            out.writeBytes(utf8);
            return this;
        }

        Ubj i16(int v) {
            out.writeBytes(ByteBuffer.allocate(2).putShort((short) v).array());
            return this;
        }

        Ubj i32(int v) {
            out.writeBytes(ByteBuffer.allocate(4).putInt(v).array());
            return this;
        }

        Ubj f32(float v) {
            out.writeBytes(ByteBuffer.allocate(4).putFloat(v).array());
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
