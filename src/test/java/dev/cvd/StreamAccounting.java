package dev.cvd;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Counts what a stream lost and duplicated against what it should carry exactly once: items are
 * matched by a key (a raw event's JSON, a feature row's product and time), as multisets, so that
 * the count of lost and duplicated items does not depend on where in the stream they are.
 */
final class StreamAccounting {

    private static final int EXAMPLES = 5;

    /**
     * Items expected and not delivered, items delivered more often than expected (or never
     * expected), with a few of each by key.
     */
    record Tally(long lost, long duplicated, List<String> lostKeys, List<String> duplicatedKeys) {

        boolean exactlyOnce() {
            return lost == 0 && duplicated == 0;
        }

        /** "ticks.raw: 3 lost (first: ...), 0 duplicated" */
        String describe(String stream) {
            return stream
                    + ": "
                    + lost
                    + " lost"
                    + (lostKeys.isEmpty() ? "" : " (first: " + lostKeys + ")")
                    + ", "
                    + duplicated
                    + " duplicated"
                    + (duplicatedKeys.isEmpty() ? "" : " (first: " + duplicatedKeys + ")");
        }
    }

    private StreamAccounting() {}

    static <T> Tally tally(List<T> expected, List<T> actual, Function<T, ?> key) {
        Map<Object, Long> balance = new LinkedHashMap<>();
        expected.forEach(e -> balance.merge(key.apply(e), 1L, Long::sum));
        actual.forEach(a -> balance.merge(key.apply(a), -1L, Long::sum));
        long lost = 0;
        long duplicated = 0;
        List<String> lostKeys = new ArrayList<>();
        List<String> duplicatedKeys = new ArrayList<>();
        for (Map.Entry<Object, Long> e : balance.entrySet()) {
            long n = e.getValue();
            if (n > 0) {
                lost += n;
                if (lostKeys.size() < EXAMPLES) {
                    lostKeys.add(String.valueOf(e.getKey()));
                }
            } else if (n < 0) {
                duplicated -= n;
                if (duplicatedKeys.size() < EXAMPLES) {
                    duplicatedKeys.add(String.valueOf(e.getKey()));
                }
            }
        }
        return new Tally(lost, duplicated, lostKeys, duplicatedKeys);
    }
}
