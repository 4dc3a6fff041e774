package dev.cvd.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cvd.market.EventTime;
import dev.cvd.market.WireText;

/**
 * Reads numbers and times from JSON values and text cells, with the recordings' conventions:
 * numbers may be JSON numbers or decimal strings, an absent value, JSON null or {@code ""} is
 * missing (NaN, or {@link EventTime#UNKNOWN} for a time), and anything else that is not a finite
 * decimal is a {@link Reasons#BAD_NUMBER} (or {@link Reasons#BAD_TIME}).
 */
final class Values {

    private Values() {}

    /**
     * A price or size.
     *
     * @param node the value, possibly null or missing
     * @return the number, or NaN if missing. A JSON {@code NaN} token counts as missing because
     *     that is how Python collectors write a missing float.
     */
    static double number(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return Double.NaN;
        }
        if (node.isTextual()) {
            return decimal(node.textValue());
        }
        if (node.isNumber()) {
            double v = node.doubleValue();
            if (Double.isInfinite(v)) {
                throw new DecodeException(Reasons.BAD_NUMBER, "infinite number");
            }
            return v;
        }
        throw new DecodeException(Reasons.BAD_NUMBER, "not a number: " + node.getNodeType());
    }

    /**
     * A price or size written as text: decimal digits with an optional sign, point and exponent.
     * Java-only spellings that {@link Double#parseDouble} would also take ({@code NaN}, {@code
     * Infinity}, hexadecimal, a {@code d} or {@code f} suffix) are rejected.
     *
     * @return the number, or NaN for empty text
     */
    static double decimal(String text) {
        String s = text.trim();
        if (s.isEmpty()) {
            return Double.NaN;
        }
        boolean digit = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if (c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E') {
                throw new DecodeException(Reasons.BAD_NUMBER, "not a decimal: " + clip(s));
            }
        }
        if (!digit) {
            throw new DecodeException(Reasons.BAD_NUMBER, "not a decimal: " + clip(s));
        }
        try {
            // Correctly rounded, as Double.parseDouble, so the same double; several times faster.
            return WireText.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new DecodeException(Reasons.BAD_NUMBER, "not a decimal: " + clip(s));
        }
    }

    /**
     * A time: an ISO-8601 string, or epoch seconds (milli-, micro-, nanoseconds by magnitude) as a
     * JSON number or a decimal string, read exactly as written.
     *
     * @return UTC microseconds, or {@link EventTime#UNKNOWN} if missing
     */
    static long time(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return EventTime.UNKNOWN;
        }
        if (node.isTextual()) {
            return time(node.textValue());
        }
        if (node.isNumber()) {
            if (node.isBigDecimal()) {
                return epoch(node.decimalValue().toPlainString());
            }
            if (node.isIntegralNumber()) {
                return epoch(node.asText());
            }
            double v = node.doubleValue();
            if (!Double.isFinite(v)) {
                throw new DecodeException(Reasons.BAD_TIME, "non-finite time");
            }
            return epoch(Double.toString(v));
        }
        throw new DecodeException(Reasons.BAD_TIME, "not a time: " + node.getNodeType());
    }

    /**
     * A time written as text, ISO-8601 or decimal epoch.
     *
     * @return UTC microseconds, or {@link EventTime#UNKNOWN} for empty text
     */
    static long time(String text) {
        String s = text.trim();
        if (s.isEmpty()) {
            return EventTime.UNKNOWN;
        }
        try {
            if (s.length() >= 19 && s.charAt(4) == '-') {
                return EventTime.parseIso(s);
            }
            return EventTime.parseEpoch(s);
        } catch (IllegalArgumentException e) {
            throw new DecodeException(Reasons.BAD_TIME, "not a time: " + clip(s));
        }
    }

    private static long epoch(String s) {
        try {
            return EventTime.parseEpoch(s);
        } catch (IllegalArgumentException e) {
            throw new DecodeException(Reasons.BAD_TIME, "not an epoch time: " + clip(s));
        }
    }

    /**
     * The text of a scalar: a string as is, a number in plain decimal notation; null if the value
     * is missing, null, empty or not a scalar.
     */
    static String text(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode() || node.isContainerNode()) {
            return null;
        }
        String s = node.isBigDecimal() ? node.decimalValue().toPlainString() : node.asText();
        return s.isEmpty() ? null : s;
    }

    static String clip(CharSequence s) {
        return s.length() <= 64 ? s.toString() : s.subSequence(0, 64) + "...";
    }
}
