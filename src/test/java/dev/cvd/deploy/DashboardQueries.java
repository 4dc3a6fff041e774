package dev.cvd.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PromQL queries of the Grafana dashboard and the metric names they read.
 *
 * <p>A metric name is an identifier of the query that is not a function (followed by "("), an
 * aggregation keyword or modifier, a label name or value (inside {@code {...}}, {@code by (...)},
 * {@code without (...)}, {@code on (...)}, {@code ignoring (...)}, {@code group_left (...)}), a
 * range or offset ({@code [5m]}), a string or a number. Names are kept as written: a histogram
 * query reads {@code *_bucket}, and that is the sample name that {@code /metrics} must carry.
 */
final class DashboardQueries {

    static final Path DASHBOARD = Path.of("docker/grafana/dashboards/cvd.json");

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGES = Pattern.compile("\\[[^]]*]");
    private static final Pattern LABEL_LISTS =
            Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER =
            Pattern.compile("(?<![\\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");
    private static final Set<String> KEYWORDS =
            Set.of(
                    "by",
                    "without",
                    "on",
                    "ignoring",
                    "group_left",
                    "group_right",
                    "bool",
                    "and",
                    "or",
                    "unless",
                    "offset",
                    "inf",
                    "nan");

    private DashboardQueries() {}

    /** Every {@code expr} of every panel target, in panel order. */
    static List<String> expressions(Path dashboard) throws IOException {
        JsonNode root = new ObjectMapper().readTree(dashboard.toFile());
        List<String> out = new ArrayList<>();
        collect(root.path("panels"), out);
        return out;
    }

    private static void collect(JsonNode panels, List<String> out) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                if (target.hasNonNull("expr")) {
                    out.add(target.get("expr").asText());
                }
            }
            collect(panel.path("panels"), out); // panels inside rows
        }
    }

    /** The metric names one PromQL expression reads. */
    static Set<String> metricNames(String expr) {
        String s = STRING.matcher(expr).replaceAll(" ");
        s = MATCHERS.matcher(s).replaceAll(" ");
        s = RANGES.matcher(s).replaceAll(" ");
        s = LABEL_LISTS.matcher(s).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            String word = m.group(1);
            boolean function = m.group(2) != null;
            if (!function && !KEYWORDS.contains(word.toLowerCase())) {
                names.add(word);
            }
        }
        return names;
    }

    /** The metric names the whole dashboard reads. */
    static Set<String> metricNames(Path dashboard) throws IOException {
        Set<String> names = new TreeSet<>();
        for (String expr : expressions(dashboard)) {
            names.addAll(metricNames(expr));
        }
        return names;
    }

    /** The sample names of a Prometheus text exposition (comments skipped). */
    static Set<String> sampleNames(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }
}
