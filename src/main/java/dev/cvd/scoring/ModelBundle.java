package dev.cvd.scoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cvd.features.FeatureContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A model bundle: a folder holding an XGBoost model file ({@code model.json} or {@code model.ubj})
 * and its {@link ModelMeta} ({@code model.meta.json}), validated as a whole when loaded.
 *
 * <p>Contract versions: 1 means the model's columns are feature contract v1 names (in any order and
 * any subset); {@link #probabilityOfContractRow(double[], double[])} then maps a contract row to
 * the model's column order through an index map computed once. 0 means the features come from
 * outside the contract (a model trained elsewhere); such a bundle scores rows in its own column
 * order only.
 *
 * <p>Immutable and thread-safe when its evaluator is (both provided evaluators are). Close it when
 * it is backed by XGBoost4J to free the native booster.
 */
public final class ModelBundle implements AutoCloseable {

    /** Contract version of bundles whose features are not from a cvd feature contract. */
    public static final int NO_CONTRACT = 0;

    /** Which evaluator a bundle is loaded with. */
    public enum Engine {
        /** {@link PureJavaEvaluator}: no native code, cheapest per row. */
        PURE_JAVA,
        /** {@link XgboostEvaluator}: XGBoost4J's native predictor. */
        XGBOOST4J
    }

    private final Path directory;
    private final ModelMeta meta;
    private final Evaluator evaluator;
    private final int[] contractIndex;
    private final boolean contractOrder;

    private ModelBundle(Path directory, ModelMeta meta, Evaluator evaluator, int[] contractIndex) {
        this.directory = directory;
        this.meta = meta;
        this.evaluator = evaluator;
        this.contractIndex = contractIndex;
        this.contractOrder = isIdentity(contractIndex);
    }

    /**
     * Loads and validates a bundle with the pure-Java evaluator.
     *
     * @param directory the bundle folder
     * @return the bundle
     * @throws InvalidModelException if a file is missing, the model is truncated, malformed or
     *     unsupported, or the metadata is invalid or contradicts the model
     */
    public static ModelBundle load(Path directory) throws InvalidModelException {
        return load(directory, Engine.PURE_JAVA);
    }

    /**
     * Loads and validates a bundle.
     *
     * @param directory the bundle folder
     * @param engine the evaluator to score with; validation is the same for both
     * @return the bundle
     * @throws InvalidModelException if a file is missing, the model is truncated, malformed or
     *     unsupported, or the metadata is invalid or contradicts the model
     */
    public static ModelBundle load(Path directory, Engine engine) throws InvalidModelException {
        Objects.requireNonNull(engine, "engine");
        if (!Files.isDirectory(directory)) {
            throw new InvalidModelException("model bundle folder not found: " + directory);
        }
        ModelMeta meta = readMeta(directory);
        validateMeta(meta);
        Path modelFile = directory.resolve(meta.modelFile());
        if (!Files.isRegularFile(modelFile)) {
            throw new InvalidModelException(
                    meta.modelFile() + ": missing from model bundle " + directory);
        }
        TreeEnsemble ensemble = TreeEnsemble.load(modelFile);
        validateAgainstModel(meta, ensemble);
        int[] contractIndex = contractIndex(meta);
        Evaluator evaluator =
                engine == Engine.PURE_JAVA
                        ? new PureJavaEvaluator(ensemble)
                        : XgboostEvaluator.load(modelFile, ensemble.featureCount());
        return new ModelBundle(directory, meta, evaluator, contractIndex);
    }

    /**
     * @return the bundle folder it was loaded from
     */
    public Path directory() {
        return directory;
    }

    /**
     * @return the validated metadata
     */
    public ModelMeta meta() {
        return meta;
    }

    /**
     * @return the evaluator; rows in the model's column order ({@link ModelMeta#features()})
     */
    public Evaluator evaluator() {
        return evaluator;
    }

    /**
     * @return whether this bundle reads contract v1 rows ({@code contract_version} 1)
     */
    public boolean acceptsContractRows() {
        return contractIndex != null;
    }

    /**
     * Copies a contract v1 row into the model's column order. No allocation.
     *
     * @param contractRow {@link FeatureContract#SIZE} values in contract order
     * @param modelRow receives {@code meta().features().size()} values in model order
     * @return {@code modelRow}
     * @throws IllegalStateException if the bundle is not a contract v1 bundle
     * @throws IllegalArgumentException if an array is too short
     */
    public double[] toModelRow(double[] contractRow, double[] modelRow) {
        int[] index = requireContract();
        if (contractRow.length < FeatureContract.SIZE) {
            throw new IllegalArgumentException(
                    "contract row has "
                            + contractRow.length
                            + " values, contract v1 has "
                            + FeatureContract.SIZE);
        }
        if (modelRow.length < index.length) {
            throw new IllegalArgumentException(
                    "model row has room for "
                            + modelRow.length
                            + " values, the model reads "
                            + index.length);
        }
        for (int i = 0; i < index.length; i++) {
            modelRow[i] = contractRow[index[i]];
        }
        return modelRow;
    }

    /**
     * The probability for a contract v1 feature row. When the model's columns are exactly the
     * contract in contract order the row is scored as is; otherwise it is copied into {@code
     * scratch} in model order first. No allocation with the pure-Java evaluator.
     *
     * @param contractRow {@link FeatureContract#SIZE} values in contract order; NaN is missing
     * @param scratch a caller-owned buffer of at least {@code meta().features().size()} values,
     *     overwritten (one per thread)
     * @return the probability of a spike, in [0, 1]
     * @throws IllegalStateException if the bundle is not a contract v1 bundle
     */
    public double probabilityOfContractRow(double[] contractRow, double[] scratch) {
        requireContract();
        if (contractOrder) {
            return evaluator.probability(contractRow);
        }
        return evaluator.probability(toModelRow(contractRow, scratch));
    }

    /**
     * @param probability a probability from this bundle's model
     * @return whether it reaches the decision threshold ({@code probability >= threshold})
     */
    public boolean isSpike(double probability) {
        return probability >= meta.threshold();
    }

    /** Closes the evaluator (frees the native booster of an XGBoost4J-backed bundle). */
    @Override
    public void close() {
        evaluator.close();
    }

    private int[] requireContract() {
        if (contractIndex == null) {
            throw new IllegalStateException(
                    "model bundle "
                            + meta.name()
                            + " has contract_version "
                            + meta.contractVersion()
                            + ": its features are not contract v1 columns");
        }
        return contractIndex;
    }

    // ---- validation ----

    private static ModelMeta readMeta(Path directory) throws InvalidModelException {
        Path file = directory.resolve(ModelMeta.FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new InvalidModelException(
                    ModelMeta.FILE_NAME + ": missing from model bundle " + directory);
        }
        try {
            return ModelMeta.read(file);
        } catch (JsonProcessingException e) {
            String where =
                    e.getLocation() == null
                            ? ""
                            : " at line "
                                    + e.getLocation().getLineNr()
                                    + ", column "
                                    + e.getLocation().getColumnNr();
            throw new InvalidModelException(
                    ModelMeta.FILE_NAME + ": invalid JSON" + where + ": " + e.getOriginalMessage(),
                    e);
        } catch (IOException e) {
            throw new InvalidModelException(
                    ModelMeta.FILE_NAME + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static void validateMeta(ModelMeta meta) throws InvalidModelException {
        String at = ModelMeta.FILE_NAME + ": ";
        if (meta.bundleFormat() != ModelMeta.BUNDLE_FORMAT) {
            throw new InvalidModelException(
                    at
                            + "bundle_format "
                            + meta.bundleFormat()
                            + " is not supported (expected "
                            + ModelMeta.BUNDLE_FORMAT
                            + ")");
        }
        int contract = meta.contractVersion();
        if (contract != FeatureContract.VERSION && contract != NO_CONTRACT) {
            throw new InvalidModelException(
                    at
                            + "contract_version "
                            + contract
                            + " is not supported (supported: "
                            + FeatureContract.VERSION
                            + ", and "
                            + NO_CONTRACT
                            + " for features outside the contract)");
        }
        String modelFile = meta.modelFile();
        if (modelFile == null || modelFile.isBlank()) {
            throw new InvalidModelException(at + "model_file is missing");
        }
        if (modelFile.contains("/") || modelFile.contains("\\") || modelFile.startsWith(".")) {
            throw new InvalidModelException(
                    at + "model_file '" + modelFile + "' must be a file name inside the bundle");
        }
        ModelFormat.of(Path.of(modelFile));
        if (meta.objective() == null || !TreeEnsemble.OBJECTIVES.contains(meta.objective())) {
            throw new InvalidModelException(
                    at
                            + "objective '"
                            + meta.objective()
                            + "' is not supported (supported: "
                            + "binary:logistic, reg:logistic, binary:logitraw)");
        }
        List<String> features = meta.features();
        if (features.isEmpty()) {
            throw new InvalidModelException(at + "features is empty");
        }
        Set<String> seen = new HashSet<>();
        for (String feature : features) {
            if (feature == null || feature.isBlank()) {
                throw new InvalidModelException(at + "features contains a blank name");
            }
            if (!seen.add(feature)) {
                throw new InvalidModelException(at + "feature '" + feature + "' is listed twice");
            }
            if (contract == FeatureContract.VERSION && !FeatureContract.NAMES.contains(feature)) {
                throw new InvalidModelException(
                        at + "feature '" + feature + "' is not in feature contract v1");
            }
        }
        if (!Double.isFinite(meta.tau())) {
            throw new InvalidModelException(at + "tau must be a finite number, got " + meta.tau());
        }
        if (!(meta.threshold() >= 0.0 && meta.threshold() <= 1.0)) {
            throw new InvalidModelException(
                    at + "threshold must be in [0, 1], got " + meta.threshold());
        }
    }

    private static void validateAgainstModel(ModelMeta meta, TreeEnsemble ensemble)
            throws InvalidModelException {
        String model = meta.modelFile();
        if (!meta.objective().equals(ensemble.objective())) {
            throw new InvalidModelException(
                    ModelMeta.FILE_NAME
                            + ": objective '"
                            + meta.objective()
                            + "' differs from "
                            + model
                            + " objective '"
                            + ensemble.objective()
                            + "'");
        }
        if (ensemble.featureCount() != meta.features().size()) {
            throw new InvalidModelException(
                    model
                            + " reads "
                            + ensemble.featureCount()
                            + " features but "
                            + ModelMeta.FILE_NAME
                            + " lists "
                            + meta.features().size());
        }
        List<String> names = ensemble.featureNames();
        if (!names.isEmpty() && !names.equals(meta.features())) {
            for (int i = 0; i < names.size(); i++) {
                if (!names.get(i).equals(meta.features().get(i))) {
                    throw new InvalidModelException(
                            model
                                    + " names column "
                                    + i
                                    + " '"
                                    + names.get(i)
                                    + "' but "
                                    + ModelMeta.FILE_NAME
                                    + " lists '"
                                    + meta.features().get(i)
                                    + "'");
                }
            }
        }
    }

    private static int[] contractIndex(ModelMeta meta) {
        if (meta.contractVersion() != FeatureContract.VERSION) {
            return null;
        }
        List<String> features = meta.features();
        int[] index = new int[features.size()];
        for (int i = 0; i < index.length; i++) {
            index[i] = FeatureContract.indexOf(features.get(i));
        }
        return index;
    }

    private static boolean isIdentity(int[] index) {
        if (index == null || index.length != FeatureContract.SIZE) {
            return false;
        }
        for (int i = 0; i < index.length; i++) {
            if (index[i] != i) {
                return false;
            }
        }
        return true;
    }
}
