package dev.cvd.api;

import dev.cvd.features.FeatureContract;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Feature contract v1 names for request parsing: lookup, a short listing and "did you mean". */
final class FeatureNames {

    private static final Map<String, Integer> INDEX = new HashMap<>();

    /** The contract names in a compact form, for example {@code ret_{1,5,30,60}s, spread_bps}. */
    static final String COMPACT;

    static {
        for (int i = 0; i < FeatureContract.SIZE; i++) {
            INDEX.put(FeatureContract.NAMES.get(i), i);
        }
        COMPACT = compact(FeatureContract.NAMES);
    }

    private FeatureNames() {}

    /**
     * @return the contract column of a name, or -1 when it is not a contract v1 name
     */
    static int indexOf(String name) {
        Integer i = INDEX.get(name);
        return i == null ? -1 : i;
    }

    /**
     * @return the contract name closest to an unknown one (at most 3 edits away, or equal but for
     *     case), or null
     */
    static String suggestion(String unknown) {
        String best = null;
        int bestDistance = 4;
        for (String name : FeatureContract.NAMES) {
            if (name.equalsIgnoreCase(unknown)) {
                return name;
            }
            int d = distance(unknown, name, bestDistance);
            if (d < bestDistance) {
                bestDistance = d;
                best = name;
            }
        }
        return best;
    }

    /** Groups {@code prefix_<n>s} runs: {@code rv_30s, rv_60s} becomes {@code rv_{30,60}s}. */
    static String compact(List<String> names) {
        Pattern windowed = Pattern.compile("(.+)_(\\d+)s");
        List<String> parts = new ArrayList<>();
        String prefix = null;
        List<String> numbers = new ArrayList<>();
        for (String name : names) {
            Matcher m = windowed.matcher(name);
            String p = m.matches() ? m.group(1) : null;
            if (prefix != null && !prefix.equals(p)) {
                parts.add(group(prefix, numbers));
                numbers.clear();
                prefix = null;
            }
            if (p == null) {
                parts.add(name);
            } else {
                prefix = p;
                numbers.add(m.group(2));
            }
        }
        if (prefix != null) {
            parts.add(group(prefix, numbers));
        }
        return String.join(", ", parts);
    }

    private static String group(String prefix, List<String> numbers) {
        return numbers.size() == 1
                ? prefix + "_" + numbers.get(0) + "s"
                : prefix + "_{" + String.join(",", numbers) + "}s";
    }

    /** Levenshtein distance, or {@code limit} as soon as it reaches it. */
    private static int distance(String a, String b, int limit) {
        if (Math.abs(a.length() - b.length()) >= limit) {
            return limit;
        }
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            int rowMin = cur[0];
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
                rowMin = Math.min(rowMin, cur[j]);
            }
            if (rowMin >= limit) {
                return limit;
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return Math.min(prev[b.length()], limit);
    }
}
