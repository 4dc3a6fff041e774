package dev.cvd.registry;

import java.util.Map;

/**
 * A run with its latest metrics, parameters and tags.
 *
 * @param info the run
 * @param metrics metric key to its latest value
 * @param params parameter key to value
 * @param tags tag key to value
 */
public record RunData(
        RunInfo info,
        Map<String, Double> metrics,
        Map<String, String> params,
        Map<String, String> tags) {

    public RunData {
        metrics = Map.copyOf(metrics);
        params = Map.copyOf(params);
        tags = Map.copyOf(tags);
    }
}
