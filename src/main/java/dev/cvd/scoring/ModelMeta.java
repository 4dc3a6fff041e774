package dev.cvd.scoring;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metadata of a model bundle, stored next to the model as {@code model.meta.json} with
 * snake_case field names. Unknown JSON fields are ignored when reading, so newer writers can add
 * fields without breaking older readers.
 *
 * <p>Immutable apart from the collections it is given (the canonical constructor copies them into
 * unmodifiable ones); safe to share between threads. Semantic validation (feature names against the
 * contract, finite tau and threshold) is done by {@link ModelBundle#load(Path)}, not here, so that
 * a trainer can build and write any meta.
 *
 * @param bundleFormat bundle layout version, {@value #BUNDLE_FORMAT}
 * @param name model name, for example {@code "cvd-btc"}
 * @param version model version string
 * @param contractVersion feature contract version the features are taken from (1 for cvd bundles)
 * @param features the model's column order: feature names, one per model input column
 * @param modelFile file name of the XGBoost model in the bundle folder: {@code "model.json"} or
 *     {@code "model.ubj"}
 * @param objective XGBoost objective, {@code "binary:logistic"}
 * @param label label column the model was trained on, {@code "fwd_rv_60s"}
 * @param horizonS label horizon in seconds, 60
 * @param tau spike threshold on the label ({@code spike = fwd_rv_60s >= tau}), a log-return
 *     magnitude
 * @param threshold decision threshold on the probability, in [0, 1], chosen on validation
 * @param trainStart first event time of the training data, ISO-8601 UTC
 * @param trainEnd last event time of the training data, ISO-8601 UTC
 * @param dataFingerprint {@code "sha256:<hex>"} of the training data
 * @param createdAt creation time of the bundle, ISO-8601
 * @param params training parameters (XGBoost parameters and rounds)
 * @param metrics split or baseline name to metric name to value, for example {@code
 *     metrics.get("test").get("pr_auc")}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({
    "bundle_format",
    "name",
    "version",
    "contract_version",
    "features",
    "model_file",
    "objective",
    "label",
    "horizon_s",
    "tau",
    "threshold",
    "train_start",
    "train_end",
    "data_fingerprint",
    "created_at",
    "params",
    "metrics"
})
public record ModelMeta(
        @JsonProperty("bundle_format") int bundleFormat,
        @JsonProperty("name") String name,
        @JsonProperty("version") String version,
        @JsonProperty("contract_version") int contractVersion,
        @JsonProperty("features") List<String> features,
        @JsonProperty("model_file") String modelFile,
        @JsonProperty("objective") String objective,
        @JsonProperty("label") String label,
        @JsonProperty("horizon_s") int horizonS,
        @JsonProperty("tau") double tau,
        @JsonProperty("threshold") double threshold,
        @JsonProperty("train_start") String trainStart,
        @JsonProperty("train_end") String trainEnd,
        @JsonProperty("data_fingerprint") String dataFingerprint,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("params") Map<String, Object> params,
        @JsonProperty("metrics") Map<String, Map<String, Double>> metrics) {

    /** File name of the metadata inside a bundle folder. */
    public static final String FILE_NAME = "model.meta.json";

    /** The bundle layout version this code reads and writes. */
    public static final int BUNDLE_FORMAT = 1;

    private static final ObjectMapper MAPPER =
            new ObjectMapper()
                    .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .enable(SerializationFeature.INDENT_OUTPUT);

    /** Copies the collections into unmodifiable ones; {@code null} collections become empty. */
    public ModelMeta {
        features = features == null ? List.of() : List.copyOf(features);
        params = params == null ? Map.of() : unmodifiableCopy(params);
        metrics = metrics == null ? Map.of() : unmodifiableMetrics(metrics);
    }

    /**
     * Reads a metadata file.
     *
     * @param file the {@code model.meta.json} file
     * @return the metadata, unvalidated
     * @throws IOException if the file cannot be read or is not valid JSON for this record
     */
    public static ModelMeta read(Path file) throws IOException {
        return MAPPER.readValue(file.toFile(), ModelMeta.class);
    }

    /**
     * Parses metadata from JSON bytes.
     *
     * @param json the UTF-8 JSON text
     * @return the metadata, unvalidated
     * @throws IOException if the bytes are not valid JSON for this record
     */
    public static ModelMeta parse(byte[] json) throws IOException {
        return MAPPER.readValue(json, ModelMeta.class);
    }

    /**
     * Writes this metadata as indented JSON, replacing the file if it exists.
     *
     * @param file the target file, usually {@code <bundle>/model.meta.json}
     * @throws IOException if the file cannot be written
     */
    public void write(Path file) throws IOException {
        Files.write(file, toJson());
    }

    /**
     * @return this metadata as indented UTF-8 JSON, fields in declaration order
     */
    public byte[] toJson() throws IOException {
        return MAPPER.writeValueAsBytes(this);
    }

    private static Map<String, Object> unmodifiableCopy(Map<String, Object> map) {
        // LinkedHashMap keeps the writer's order; Map.copyOf would reorder and rejects null values.
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    private static Map<String, Map<String, Double>> unmodifiableMetrics(
            Map<String, Map<String, Double>> metrics) {
        var copy = new LinkedHashMap<String, Map<String, Double>>();
        metrics.forEach(
                (split, values) ->
                        copy.put(
                                split,
                                values == null
                                        ? Map.of()
                                        : Collections.unmodifiableMap(
                                                new LinkedHashMap<>(values))));
        return Collections.unmodifiableMap(copy);
    }
}
