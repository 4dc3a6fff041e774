package dev.cvd.registry;

/**
 * A tracking run.
 *
 * @param runId the run id
 * @param experimentId its experiment
 * @param artifactUri where its artifacts live, {@code mlflow-artifacts:/<exp>/<run>/artifacts} when
 *     the tracking server proxies artifacts
 * @param status RUNNING, FINISHED, FAILED or KILLED
 */
public record RunInfo(String runId, String experimentId, String artifactUri, String status) {}
