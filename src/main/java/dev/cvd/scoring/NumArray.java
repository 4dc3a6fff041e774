package dev.cvd.scoring;

import java.util.Arrays;

/**
 * A numeric array of a parsed model document: integers when every element was an integer, 32-bit
 * floats when an element was a real written as text (JSON) or a float32 (UBJ), 64-bit floats for
 * UBJ float64 arrays. Keeping floats as floats matters: XGBoost writes thresholds and leaf values
 * as the shortest decimal of a float32, and parsing that decimal straight to float gives the exact
 * value back, where a detour through double could round twice.
 *
 * <p>Package-private; immutable once built by a reader.
 */
final class NumArray {

    private final long[] longs;
    private final float[] floats;
    private final double[] doubles;

    private NumArray(long[] longs, float[] floats, double[] doubles) {
        this.longs = longs;
        this.floats = floats;
        this.doubles = doubles;
    }

    static NumArray ofLongs(long[] values) {
        return new NumArray(values, null, null);
    }

    static NumArray ofFloats(float[] values) {
        return new NumArray(null, values, null);
    }

    static NumArray ofDoubles(double[] values) {
        return new NumArray(null, null, values);
    }

    int size() {
        if (longs != null) {
            return longs.length;
        }
        return floats != null ? floats.length : doubles.length;
    }

    /**
     * @return the elements as float32; integers and float64 values are rounded to nearest
     */
    float[] toFloats() {
        if (floats != null) {
            return floats.clone();
        }
        float[] out = new float[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = longs != null ? (float) longs[i] : (float) doubles[i];
        }
        return out;
    }

    /**
     * @param what the field, for the message
     * @return the elements as ints
     * @throws InvalidModelException if an element is not an integer in the int range
     */
    int[] toInts(String what) throws InvalidModelException {
        int[] out = new int[size()];
        for (int i = 0; i < out.length; i++) {
            double value;
            if (longs != null) {
                value = longs[i];
            } else if (floats != null) {
                value = floats[i];
            } else {
                value = doubles[i];
            }
            if (value != Math.rint(value)
                    || value < Integer.MIN_VALUE
                    || value > Integer.MAX_VALUE) {
                throw new InvalidModelException(
                        what + "[" + i + "] is " + value + ", expected an integer");
            }
            out[i] = longs != null ? (int) longs[i] : (int) value;
        }
        return out;
    }

    @Override
    public String toString() {
        if (longs != null) {
            return Arrays.toString(longs);
        }
        return floats != null ? Arrays.toString(floats) : Arrays.toString(doubles);
    }
}
