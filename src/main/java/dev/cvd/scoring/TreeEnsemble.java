package dev.cvd.scoring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A gradient-boosted tree ensemble read from an XGBoost model file (JSON or UBJ, as XGBoost 3.x
 * saves it from Python or XGBoost4J), evaluated in pure Java with margins bit-identical to
 * XGBoost's own CPU predictor.
 *
 * <p>Semantics, matching XGBoost: each input is converted from double to float32 before it is
 * compared; a split goes left iff {@code x < threshold} in float32; NaN (missing) takes the node's
 * default direction; leaf values are summed in float32 in tree order starting from the base margin
 * ({@code -logf(1/base_score - 1)}, computed in float32 as XGBoost does); the probability is
 * XGBoost's float32 sigmoid of the margin. ±Infinity (and doubles beyond the float range, which
 * become ±Infinity in float32) are ordinary values here: +Inf goes right and -Inf goes left of
 * every finite threshold. XGBoost itself refuses infinite inputs.
 *
 * <p>Supported: the {@code gbtree} booster (any {@code num_parallel_tree}) with objective {@code
 * binary:logistic}, {@code reg:logistic} or {@code binary:logitraw}, one output group, numerical
 * splits. Refused with a message naming what is unsupported: other objectives, {@code dart} and
 * {@code gblinear} boosters, multi-class or multi-target models, categorical splits.
 *
 * <p>Memory: all trees are flattened into shared primitive arrays: four interleaved ints per split
 * node (feature and default direction, threshold bits, children), so that a node visit reads one
 * cache line, plus one float per leaf; nodes are renumbered depth-first so that a left child
 * follows its parent. About 24 bytes per split node in all. Immutable after construction and safe
 * to use from any number of threads; evaluation allocates nothing.
 */
public final class TreeEnsemble {

    /** Objectives whose base score is a probability turned into a margin by the logit. */
    static final Set<String> OBJECTIVES =
            Set.of("binary:logistic", "reg:logistic", "binary:logitraw");

    /** XGBoost's clamp of the sigmoid argument, which keeps {@code expf} finite. */
    private static final float SIGMOID_CLAMP = 88.7f;

    private final String objective;
    private final int featureCount;
    private final float baseScore;
    private final float baseMargin;
    private final List<String> featureNames;
    private final int[] roots;
    private final int[] splitFeature;
    private final float[] threshold;

    /**
     * Split nodes interleaved, {@value #STRIDE} ints each, so that one visit touches one cache
     * line: feature index (bit 31 set when missing values go left), threshold bits, left child,
     * right child. A child {@code >= 0} is a split node, {@code ~i} is leaf {@code i}.
     */
    private final int[] nodes;

    private static final int STRIDE = 4;
    private static final int DEFAULT_LEFT = 0x8000_0000;
    private final float[] leafValue;

    private TreeEnsemble(
            String objective,
            int featureCount,
            float baseScore,
            List<String> featureNames,
            int[] roots,
            int[] splitFeature,
            float[] threshold,
            int[] left,
            int[] right,
            int[] missing,
            float[] leafValue) {
        this.objective = objective;
        this.featureCount = featureCount;
        this.baseScore = baseScore;
        this.baseMargin = probabilityToMargin(baseScore);
        this.featureNames = featureNames;
        this.roots = roots;
        this.splitFeature = splitFeature;
        this.threshold = threshold;
        this.nodes = new int[splitFeature.length * STRIDE];
        for (int i = 0; i < splitFeature.length; i++) {
            int at = i * STRIDE;
            nodes[at] = splitFeature[i] | (missing[i] == left[i] ? DEFAULT_LEFT : 0);
            nodes[at + 1] = Float.floatToRawIntBits(threshold[i]);
            nodes[at + 2] = left[i];
            nodes[at + 3] = right[i];
        }
        this.leafValue = leafValue;
    }

    /**
     * Reads a model file; the format follows from the extension ({@code .json} or {@code .ubj}).
     *
     * @param file the model file
     * @return the ensemble
     * @throws InvalidModelException if the file is missing, unreadable, truncated, malformed or
     *     unsupported; the message starts with the file name
     */
    public static TreeEnsemble load(Path file) throws InvalidModelException {
        ModelFormat format = ModelFormat.of(file);
        String name = String.valueOf(file.getFileName());
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InvalidModelException(name + ": missing (" + file + ")", e);
        } catch (IOException e) {
            throw new InvalidModelException(name + ": cannot read: " + e.getMessage(), e);
        }
        try {
            return parse(bytes, format);
        } catch (InvalidModelException e) {
            throw new InvalidModelException(name + ": " + e.getMessage(), e.getCause());
        }
    }

    /**
     * Parses a model held in memory.
     *
     * @param bytes the whole model file
     * @param format its format
     * @return the ensemble
     * @throws InvalidModelException if the bytes are truncated, malformed or describe an
     *     unsupported model
     */
    public static TreeEnsemble parse(byte[] bytes, ModelFormat format)
            throws InvalidModelException {
        Map<String, Object> root =
                switch (format) {
                    case JSON -> JsonModelReader.read(bytes);
                    case UBJ -> UbjModelReader.read(bytes);
                };
        return fromDocument(root);
    }

    /**
     * @return the number of input columns the model reads (XGBoost's {@code num_feature})
     */
    public int featureCount() {
        return featureCount;
    }

    /**
     * @return the objective, for example {@code "binary:logistic"}
     */
    public String objective() {
        return objective;
    }

    /**
     * @return the number of trees summed per row
     */
    public int treeCount() {
        return roots.length;
    }

    /**
     * @return the number of split (internal) nodes over all trees
     */
    public int splitCount() {
        return threshold.length;
    }

    /**
     * @return the base score as stored in the model, a probability
     */
    public float baseScore() {
        return baseScore;
    }

    /**
     * @return the margin every row starts from: the logit of {@link #baseScore()}
     */
    public float baseMargin() {
        return baseMargin;
    }

    /**
     * @return the feature names stored in the model (Python XGBoost stores a DataFrame's column
     *     names), empty when the model has none
     */
    public List<String> featureNames() {
        return featureNames;
    }

    /**
     * The raw score (log-odds) of one row: base margin plus the leaf value of every tree, summed in
     * float32 in tree order.
     *
     * @param row the inputs in model column order, at least {@link #featureCount()} values; NaN is
     *     missing
     * @return the margin, bit-identical to XGBoost's {@code predict(outputMargin=true)}
     * @throws IllegalArgumentException if the row is shorter than {@link #featureCount()}
     */
    public float margin(double[] row) {
        if (row.length < featureCount) {
            throw new IllegalArgumentException(
                    "row has " + row.length + " values, the model reads " + featureCount);
        }
        final int[] tree = nodes;
        final float[] leaves = leafValue;
        float sum = baseMargin;
        for (int root : roots) {
            int node = root;
            while (node >= 0) {
                int at = node * STRIDE;
                int head = tree[at];
                float x = (float) row[head & ~DEFAULT_LEFT];
                float t = Float.intBitsToFloat(tree[at + 1]);
                if (x < t) {
                    node = tree[at + 2];
                } else if (x >= t) {
                    node = tree[at + 3];
                } else {
                    node = tree[at + (head < 0 ? 2 : 3)];
                }
            }
            sum += leaves[~node];
        }
        return sum;
    }

    /**
     * The probability of the positive class for one row: the float32 sigmoid of {@link
     * #margin(double[])}. For {@code binary:logitraw} models (whose XGBoost output is the margin)
     * this is still the sigmoid.
     *
     * @param row the inputs in model column order; NaN is missing
     * @return the probability in [0, 1], a float32 value widened to double
     */
    public double probability(double[] row) {
        return sigmoid(margin(row));
    }

    /**
     * Probabilities of many rows.
     *
     * @param rows rows in model column order
     * @param out receives one probability per row; at least {@code rows.length} long
     */
    public void probabilities(double[][] rows, double[] out) {
        checkBatch(rows.length, out.length);
        for (int i = 0; i < rows.length; i++) {
            out[i] = sigmoid(margin(rows[i]));
        }
    }

    /**
     * Margins of many rows.
     *
     * @param rows rows in model column order
     * @param out receives one margin per row; at least {@code rows.length} long
     */
    public void margins(double[][] rows, float[] out) {
        checkBatch(rows.length, out.length);
        for (int i = 0; i < rows.length; i++) {
            out[i] = margin(rows[i]);
        }
    }

    /**
     * XGBoost's sigmoid in float32: {@code 1 / (1 + expf(min(-x, 88.7)))}. {@code expf} is taken as
     * the double exponential rounded to float, which is within half an ulp of the true value.
     *
     * @param margin a margin
     * @return the probability, a float32 value
     */
    public static float sigmoid(float margin) {
        float e = (float) Math.exp(Math.min(-margin, SIGMOID_CLAMP));
        return 1.0f / (e + 1.0f);
    }

    /**
     * XGBoost's {@code ProbToMargin} for logistic objectives, in float32: {@code -logf(1/p - 1)}.
     */
    static float probabilityToMargin(float p) {
        return -(float) Math.log(1.0f / p - 1.0f);
    }

    /**
     * @return the distinct thresholds of the splits on one feature, ascending (for tests that probe
     *     values exactly at a threshold)
     */
    float[] splitThresholds(int feature) {
        float[] found = new float[threshold.length];
        int n = 0;
        for (int i = 0; i < threshold.length; i++) {
            if (splitFeature[i] == feature) {
                found[n++] = threshold[i];
            }
        }
        float[] sorted = Arrays.copyOf(found, n);
        Arrays.sort(sorted);
        int distinct = 0;
        for (int i = 0; i < n; i++) {
            if (i == 0 || Float.compare(sorted[i], sorted[i - 1]) != 0) {
                sorted[distinct++] = sorted[i];
            }
        }
        return Arrays.copyOf(sorted, distinct);
    }

    private static void checkBatch(int rows, int out) {
        if (out < rows) {
            throw new IllegalArgumentException(
                    "output has room for " + out + " values, " + rows + " rows given");
        }
    }

    // ---- building from a parsed document ----

    private static TreeEnsemble fromDocument(Map<String, Object> root)
            throws InvalidModelException {
        Map<String, Object> learner = object(root, "learner", "");
        Map<String, Object> modelParam = object(learner, "learner_model_param", "learner");
        String objective =
                string(object(learner, "objective", "learner"), "name", "learner.objective");
        if (!OBJECTIVES.contains(objective)) {
            throw new InvalidModelException(
                    "objective '"
                            + objective
                            + "' is not supported (supported: binary:logistic, reg:logistic,"
                            + " binary:logitraw)");
        }
        int numClass = intParam(modelParam, "num_class", "learner.learner_model_param", 0);
        if (numClass > 1) {
            throw new InvalidModelException(
                    "num_class " + numClass + " is not supported (one output only)");
        }
        int numTarget = intParam(modelParam, "num_target", "learner.learner_model_param", 1);
        if (numTarget != 1) {
            throw new InvalidModelException(
                    "num_target " + numTarget + " is not supported (one output only)");
        }
        int numFeature = intParam(modelParam, "num_feature", "learner.learner_model_param", -1);
        if (numFeature <= 0) {
            throw new InvalidModelException(
                    "learner.learner_model_param.num_feature must be positive, got " + numFeature);
        }
        float baseScore =
                baseScore(string(modelParam, "base_score", "learner.learner_model_param"));
        List<String> featureNames = featureNames(learner, numFeature);

        Map<String, Object> booster = object(learner, "gradient_booster", "learner");
        String boosterName = string(booster, "name", "learner.gradient_booster");
        if (!"gbtree".equals(boosterName)) {
            throw new InvalidModelException(
                    "gradient booster '" + boosterName + "' is not supported (only gbtree)");
        }
        String at = "learner.gradient_booster.model";
        Map<String, Object> model = object(booster, "model", "learner.gradient_booster");
        Map<String, Object> treeParam = object(model, "gbtree_model_param", at);
        int numTrees = intParam(treeParam, "num_trees", at + ".gbtree_model_param", -1);
        List<Object> trees = list(model, "trees", at);
        if (numTrees != trees.size()) {
            throw new InvalidModelException(
                    at
                            + ": num_trees is "
                            + numTrees
                            + " but "
                            + trees.size()
                            + " trees are stored");
        }
        int[] treeInfo = numbers(model, "tree_info", at).toInts(at + ".tree_info");
        if (treeInfo.length != numTrees) {
            throw new InvalidModelException(
                    at
                            + ".tree_info has "
                            + treeInfo.length
                            + " entries for "
                            + numTrees
                            + " trees");
        }
        for (int t = 0; t < treeInfo.length; t++) {
            if (treeInfo[t] != 0) {
                throw new InvalidModelException(
                        "tree "
                                + t
                                + " belongs to output group "
                                + treeInfo[t]
                                + ": multi-output models are not supported");
            }
        }
        return new Builder(numFeature).build(objective, baseScore, featureNames, trees);
    }

    /** Flattens trees into the shared arrays; reachable nodes only, depth-first. */
    private static final class Builder {
        private final int numFeature;
        private int[] feature = new int[256];
        private float[] threshold = new float[256];
        private int[] left = new int[256];
        private int[] right = new int[256];
        private int[] missing = new int[256];
        private float[] leaves = new float[256];
        private int splits;
        private int leafCount;

        Builder(int numFeature) {
            this.numFeature = numFeature;
        }

        TreeEnsemble build(
                String objective, float baseScore, List<String> names, List<Object> trees)
                throws InvalidModelException {
            int[] roots = new int[trees.size()];
            for (int t = 0; t < roots.length; t++) {
                if (!(trees.get(t) instanceof Map<?, ?> tree)) {
                    throw new InvalidModelException("tree " + t + " is not an object");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> treeObject = (Map<String, Object>) tree;
                roots[t] = addTree(t, treeObject);
            }
            return new TreeEnsemble(
                    objective,
                    numFeature,
                    baseScore,
                    names,
                    roots,
                    Arrays.copyOf(feature, splits),
                    Arrays.copyOf(threshold, splits),
                    Arrays.copyOf(left, splits),
                    Arrays.copyOf(right, splits),
                    Arrays.copyOf(missing, splits),
                    Arrays.copyOf(leaves, leafCount));
        }

        private int addTree(int t, Map<String, Object> tree) throws InvalidModelException {
            String at = "tree " + t;
            Map<String, Object> param = object(tree, "tree_param", at);
            int numNodes = intParam(param, "num_nodes", at + ".tree_param", -1);
            int leafVector = intParam(param, "size_leaf_vector", at + ".tree_param", 1);
            if (leafVector > 1) {
                throw new InvalidModelException(
                        at
                                + " has vector leaves (size_leaf_vector "
                                + leafVector
                                + "): multi-target trees are not supported");
            }
            int[] lefts = ints(tree, "left_children", at, numNodes);
            int[] rights = ints(tree, "right_children", at, numNodes);
            int[] indices = ints(tree, "split_indices", at, numNodes);
            float[] conditions = floats(tree, "split_conditions", at, numNodes);
            int[] defaultLeft = ints(tree, "default_left", at, numNodes);
            int[] splitType =
                    tree.containsKey("split_type") ? ints(tree, "split_type", at, numNodes) : null;
            if (numNodes <= 0) {
                throw new InvalidModelException(at + " has no nodes");
            }
            boolean[] seen = new boolean[numNodes];
            return addNode(at, 0, seen, lefts, rights, indices, conditions, defaultLeft, splitType);
        }

        private int addNode(
                String at,
                int nid,
                boolean[] seen,
                int[] lefts,
                int[] rights,
                int[] indices,
                float[] conditions,
                int[] defaultLeft,
                int[] splitType)
                throws InvalidModelException {
            if (nid < 0 || nid >= seen.length) {
                throw new InvalidModelException(at + ": child index " + nid + " out of range");
            }
            if (seen[nid]) {
                throw new InvalidModelException(at + ": node " + nid + " is reached twice");
            }
            seen[nid] = true;
            if (lefts[nid] == -1) {
                float value = conditions[nid];
                if (!Float.isFinite(value)) {
                    throw new InvalidModelException(at + " leaf " + nid + " has value " + value);
                }
                if (leafCount == leaves.length) {
                    leaves = Arrays.copyOf(leaves, leafCount * 2);
                }
                leaves[leafCount] = value;
                return ~leafCount++;
            }
            if (splitType != null && splitType[nid] != 0) {
                throw new InvalidModelException(
                        at
                                + " node "
                                + nid
                                + " is a categorical split on feature "
                                + indices[nid]
                                + ": categorical splits are not supported");
            }
            if (indices[nid] < 0 || indices[nid] >= numFeature) {
                throw new InvalidModelException(
                        at
                                + " node "
                                + nid
                                + " splits on feature "
                                + indices[nid]
                                + ", outside the model's "
                                + numFeature
                                + " features");
            }
            if (Float.isNaN(conditions[nid])) {
                throw new InvalidModelException(at + " node " + nid + " has a NaN threshold");
            }
            if (splits == feature.length) {
                int n = splits * 2;
                feature = Arrays.copyOf(feature, n);
                threshold = Arrays.copyOf(threshold, n);
                left = Arrays.copyOf(left, n);
                right = Arrays.copyOf(right, n);
                missing = Arrays.copyOf(missing, n);
            }
            int me = splits++;
            feature[me] = indices[nid];
            threshold[me] = conditions[nid];
            int l =
                    addNode(
                            at,
                            lefts[nid],
                            seen,
                            lefts,
                            rights,
                            indices,
                            conditions,
                            defaultLeft,
                            splitType);
            int r =
                    addNode(
                            at,
                            rights[nid],
                            seen,
                            lefts,
                            rights,
                            indices,
                            conditions,
                            defaultLeft,
                            splitType);
            left[me] = l;
            right[me] = r;
            missing[me] = defaultLeft[nid] != 0 ? l : r;
            return me;
        }
    }

    // ---- document access with precise messages ----

    private static float baseScore(String text) throws InvalidModelException {
        String s = text.strip();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1).strip();
        }
        if (s.contains(",")) {
            throw new InvalidModelException(
                    "base_score "
                            + text
                            + " has several values: multi-output models are not supported");
        }
        float p;
        try {
            p = Float.parseFloat(s);
        } catch (NumberFormatException e) {
            throw new InvalidModelException("base_score '" + text + "' is not a number");
        }
        if (!(p > 0.0f && p < 1.0f)) {
            throw new InvalidModelException(
                    "base_score "
                            + text
                            + " must be a probability in (0, 1) for a logistic objective");
        }
        return p;
    }

    private static List<String> featureNames(Map<String, Object> learner, int numFeature)
            throws InvalidModelException {
        Object names = learner.get("feature_names");
        Object types = learner.get("feature_types");
        if (types instanceof List<?> typeList && typeList.contains("c")) {
            throw new InvalidModelException(
                    "feature type 'c' (categorical) is not supported: feature "
                            + typeList.indexOf("c"));
        }
        if (!(names instanceof List<?> list) || list.isEmpty()) {
            return List.of();
        }
        if (list.size() != numFeature) {
            throw new InvalidModelException(
                    "learner.feature_names has "
                            + list.size()
                            + " names for "
                            + numFeature
                            + " features");
        }
        List<String> out = new ArrayList<>(list.size());
        for (Object name : list) {
            out.add(String.valueOf(name));
        }
        return List.copyOf(out);
    }

    private static Map<String, Object> object(Map<String, Object> parent, String key, String at)
            throws InvalidModelException {
        Object value = require(parent, key, at);
        if (!(value instanceof Map<?, ?>)) {
            throw wrongType(at, key, "an object", value);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) value;
        return map;
    }

    private static List<Object> list(Map<String, Object> parent, String key, String at)
            throws InvalidModelException {
        Object value = require(parent, key, at);
        if (value instanceof NumArray numbers && numbers.size() == 0) {
            return List.of();
        }
        if (!(value instanceof List<?>)) {
            throw wrongType(at, key, "an array", value);
        }
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) value;
        return list;
    }

    private static String string(Map<String, Object> parent, String key, String at)
            throws InvalidModelException {
        Object value = require(parent, key, at);
        if (!(value instanceof String s)) {
            throw wrongType(at, key, "a string", value);
        }
        return s;
    }

    /** XGBoost stores integer parameters as strings ("300"); numbers are accepted too. */
    private static int intParam(Map<String, Object> parent, String key, String at, int absent)
            throws InvalidModelException {
        Object value = parent.get(key);
        if (value == null) {
            if (absent >= 0) {
                return absent;
            }
            throw missing(at, key);
        }
        try {
            if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
                return Math.toIntExact(n.longValue());
            }
            if (value instanceof String s) {
                return Integer.parseInt(s.strip());
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // reported below with the field's path
        }
        throw wrongType(at, key, "an integer", value);
    }

    private static NumArray numbers(Map<String, Object> parent, String key, String at)
            throws InvalidModelException {
        Object value = require(parent, key, at);
        if (value instanceof NumArray numbers) {
            return numbers;
        }
        if (value instanceof List<?> list && list.isEmpty()) {
            return NumArray.ofLongs(new long[0]);
        }
        throw wrongType(at, key, "an array of numbers", value);
    }

    private static int[] ints(Map<String, Object> tree, String key, String at, int size)
            throws InvalidModelException {
        int[] values = numbers(tree, key, at).toInts(at + "." + key);
        checkSize(values.length, key, at, size);
        return values;
    }

    private static float[] floats(Map<String, Object> tree, String key, String at, int size)
            throws InvalidModelException {
        float[] values = numbers(tree, key, at).toFloats();
        checkSize(values.length, key, at, size);
        return values;
    }

    private static void checkSize(int actual, String key, String at, int size)
            throws InvalidModelException {
        if (actual != size) {
            throw new InvalidModelException(
                    at + "." + key + " has " + actual + " entries, num_nodes is " + size);
        }
    }

    private static Object require(Map<String, Object> parent, String key, String at)
            throws InvalidModelException {
        if (!parent.containsKey(key)) {
            throw missing(at, key);
        }
        return parent.get(key);
    }

    private static InvalidModelException missing(String at, String key) {
        return new InvalidModelException("missing field " + path(at, key));
    }

    private static InvalidModelException wrongType(
            String at, String key, String expected, Object value) {
        String found =
                value == null
                        ? "null"
                        : value instanceof Map<?, ?>
                                ? "an object"
                                : value instanceof List<?> || value instanceof NumArray
                                        ? "an array"
                                        : value instanceof String s
                                                ? "\"" + s + "\""
                                                : String.valueOf(value);
        return new InvalidModelException(
                path(at, key) + " must be " + expected + ", found " + found);
    }

    private static String path(String at, String key) {
        return at.isEmpty() ? key : at + "." + key;
    }
}
