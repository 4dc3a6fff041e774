package dev.cvd.registry;

import java.util.List;
import java.util.Map;

/**
 * A version of a registered model.
 *
 * @param name the registered model
 * @param version the version number, as MLflow writes it ("1", "2", ...)
 * @param source where the version's files are, for cvd the run's {@code bundle} artifact folder
 * @param runId the run that made it, or null
 * @param status READY, PENDING_REGISTRATION or FAILED_REGISTRATION
 * @param tags version tags (cvd sets {@code data_fingerprint}, {@code contract_version}, {@code
 *     validation_pr_auc}, ...)
 * @param aliases the aliases that point to it
 * @param createdAtMillis creation time, epoch milliseconds
 */
public record ModelVersion(
        String name,
        String version,
        String source,
        String runId,
        String status,
        Map<String, String> tags,
        List<String> aliases,
        long createdAtMillis) {

    public ModelVersion {
        tags = Map.copyOf(tags);
        aliases = List.copyOf(aliases);
    }

    /**
     * @return the version as a number, for ordering
     */
    public long number() {
        return Long.parseLong(version);
    }
}
