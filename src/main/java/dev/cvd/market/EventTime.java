package dev.cvd.market;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Event times as UTC microseconds since the epoch, and the parsers that produce them.
 *
 * <p>Contract v1: ISO-8601 strings without a zone are UTC; digits finer than a microsecond are
 * truncated; epoch seconds are rounded to the nearest microsecond (half up). Parsing allocates
 * nothing and is safe from any thread.
 */
public final class EventTime {

    /** The value of a time that the source did not give. */
    public static final long UNKNOWN = Long.MIN_VALUE;

    /** Microseconds per second. */
    public static final long MICROS_PER_SECOND = 1_000_000L;

    /** Days from 1970-01-01 to 10000-01-01. */
    private static final long DAYS_TO_YEAR_10000 = 2_932_897L;

    private static final BigDecimal MILLIS_FLOOR = new BigDecimal("1e11");
    private static final BigDecimal MICROS_FLOOR = new BigDecimal("1e14");
    private static final BigDecimal NANOS_FLOOR = new BigDecimal("1e17");

    private EventTime() {}

    /**
     * Parses an ISO-8601 date-time such as {@code 2025-11-08T15:12:31.463496}, {@code
     * 2026-08-09T21:05:48.228568804Z} or {@code 2026-04-03T22:13:41.421126+00:00}. A space may
     * stand for the {@code T}; the zone may be absent (UTC), {@code Z}, or an offset {@code
     * ±HH:MM}, {@code ±HHMM} or {@code ±HH}.
     *
     * @return UTC microseconds
     * @throws IllegalArgumentException if the text is not such a date-time
     */
    public static long parseIso(CharSequence s) {
        int n = s.length();
        if (n < 19
                || s.charAt(4) != '-'
                || s.charAt(7) != '-'
                || (s.charAt(10) != 'T' && s.charAt(10) != 't' && s.charAt(10) != ' ')
                || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            throw new IllegalArgumentException("not an ISO-8601 date-time: " + clip(s));
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (month < 1
                || month > 12
                || day < 1
                || day > 31
                || hour > 23
                || minute > 59
                || second > 60) {
            throw new IllegalArgumentException("date-time field out of range: " + clip(s));
        }
        int i = 19;
        long micros = 0;
        if (i < n && (s.charAt(i) == '.' || s.charAt(i) == ',')) {
            i++;
            int start = i;
            long scale = 100_000;
            while (i < n && isDigit(s.charAt(i))) {
                if (scale > 0) {
                    micros += (s.charAt(i) - '0') * scale;
                    scale /= 10;
                }
                i++;
            }
            if (i == start) {
                throw new IllegalArgumentException("empty fraction of a second: " + clip(s));
            }
        }
        long offsetSeconds = 0;
        if (i < n) {
            char z = s.charAt(i);
            if ((z == 'Z' || z == 'z') && i + 1 == n) {
                i++;
            } else if (z == '+' || z == '-') {
                int sign = z == '-' ? -1 : 1;
                int rest = n - i - 1;
                int oh;
                int om = 0;
                if (rest == 2) {
                    oh = digits(s, i + 1, 2);
                } else if (rest == 4) {
                    oh = digits(s, i + 1, 2);
                    om = digits(s, i + 3, 2);
                } else if (rest == 5 && s.charAt(i + 3) == ':') {
                    oh = digits(s, i + 1, 2);
                    om = digits(s, i + 4, 2);
                } else {
                    throw new IllegalArgumentException("bad zone offset: " + clip(s));
                }
                offsetSeconds = sign * (oh * 3600L + om * 60L);
                i = n;
            } else {
                throw new IllegalArgumentException("unexpected text after the time: " + clip(s));
            }
        }
        long epochSeconds =
                daysFromCivil(year, month, day) * 86_400L
                        + hour * 3600L
                        + minute * 60L
                        + second
                        - offsetSeconds;
        return epochSeconds * MICROS_PER_SECOND + micros;
    }

    /**
     * Parses epoch time written as a decimal number, exactly as written (no binary rounding), and
     * rounds it to the nearest microsecond, halves up. Magnitudes of 1e11 or more cannot be seconds
     * of a plausible date and are read as milliseconds, 1e14 or more as microseconds, 1e17 or more
     * as nanoseconds.
     *
     * @throws IllegalArgumentException if the text is not a decimal number
     */
    public static long parseEpoch(CharSequence s) {
        BigDecimal value;
        try {
            value = new BigDecimal(s.toString());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an epoch time: " + clip(s));
        }
        BigDecimal magnitude = value.abs();
        int toMicros;
        if (magnitude.compareTo(NANOS_FLOOR) >= 0) {
            toMicros = -3;
        } else if (magnitude.compareTo(MICROS_FLOOR) >= 0) {
            toMicros = 0;
        } else if (magnitude.compareTo(MILLIS_FLOOR) >= 0) {
            toMicros = 3;
        } else {
            toMicros = 6;
        }
        try {
            return value.scaleByPowerOfTen(toMicros)
                    .setScale(0, RoundingMode.HALF_UP)
                    .longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("epoch time out of range: " + clip(s));
        }
    }

    /**
     * Converts epoch seconds given as a binary double (a JSON number already parsed) to
     * microseconds, rounded to the nearest. Prefer {@link #parseEpoch} on the original text.
     */
    public static long fromEpochSeconds(double seconds) {
        return Math.round(seconds * MICROS_PER_SECOND);
    }

    /**
     * Formats UTC microseconds as ISO-8601 with a {@code Z}, exactly as {@link java.time.Instant}
     * prints them: no fraction for a whole second, else three digits when the microseconds are
     * whole milliseconds, else six.
     */
    public static String format(long micros) {
        if (micros == UNKNOWN) {
            return "unknown";
        }
        long seconds = Math.floorDiv(micros, MICROS_PER_SECOND);
        int fraction = (int) Math.floorMod(micros, MICROS_PER_SECOND);
        long days = Math.floorDiv(seconds, 86_400L);
        if (days < 0 || days >= DAYS_TO_YEAR_10000) {
            // Years before 1970 or past 9999: rare enough to leave to java.time.
            return java.time.Instant.ofEpochSecond(seconds, fraction * 1000L).toString();
        }
        int secondOfDay = (int) (seconds - days * 86_400L);
        // Howard Hinnant's civil_from_days, for days since 1970-01-01 >= 0.
        long z = days + 719_468;
        long era = z / 146_097;
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        int year = (int) (yoe + era * 400 + (month <= 2 ? 1 : 0));
        char[] c = new char[27];
        put(c, 0, year, 4);
        c[4] = '-';
        put(c, 5, month, 2);
        c[7] = '-';
        put(c, 8, day, 2);
        c[10] = 'T';
        put(c, 11, secondOfDay / 3600, 2);
        c[13] = ':';
        put(c, 14, secondOfDay / 60 % 60, 2);
        c[16] = ':';
        put(c, 17, secondOfDay % 60, 2);
        int n = 19;
        if (fraction != 0) {
            c[n++] = '.';
            if (fraction % 1000 == 0) {
                put(c, n, fraction / 1000, 3);
                n += 3;
            } else {
                put(c, n, fraction, 6);
                n += 6;
            }
        }
        c[n++] = 'Z';
        return new String(c, 0, n);
    }

    private static void put(char[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
    static long daysFromCivil(int y, int m, int d) {
        y -= m <= 2 ? 1 : 0;
        long era = (y >= 0 ? y : y - 399) / 400;
        long yoe = y - era * 400;
        long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }

    private static int digits(CharSequence s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                throw new IllegalArgumentException("expected a digit at " + i + ": " + clip(s));
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static String clip(CharSequence s) {
        return s.length() <= 64 ? s.toString() : s.subSequence(0, 64) + "...";
    }
}
