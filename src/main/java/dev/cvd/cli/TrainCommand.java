package dev.cvd.cli;

import dev.cvd.features.FeatureContract;
import dev.cvd.ingest.FieldMapping;
import dev.cvd.registry.MlflowClient;
import dev.cvd.registry.MlflowConfig;
import dev.cvd.registry.MlflowException;
import dev.cvd.registry.ModelRegistrar;
import dev.cvd.training.BinaryMetrics;
import dev.cvd.training.ChronologicalSplit;
import dev.cvd.training.Dataset;
import dev.cvd.training.DatasetException;
import dev.cvd.training.ModelBundleWriter;
import dev.cvd.training.TrainingParams;
import dev.cvd.training.TrainingRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import ml.dmlc.xgboost4j.java.XGBoostError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cvd train RECORDING...|FEATURES.parquet --out models/NAME}: builds labelled rows with the
 * features core, splits them in time, trains XGBoost and writes a model bundle with its report.
 *
 * <p>A plain picocli command with no injected state: tests run it with {@code new CommandLine(new
 * TrainCommand()).execute(...)}. Exit codes: 0 done, 1 XGBoost or the output failed, 2 bad
 * arguments or unusable data (one line on stderr).
 *
 * <p>With an MLflow tracking server ({@code --tracking-uri}, {@code cvd.mlflow.tracking-uri} or
 * {@code MLFLOW_TRACKING_URI}), the run is recorded there (parameters, metrics, tags, the bundle
 * under the run's {@code bundle} artifacts) and, with {@code --register}, registered as a new
 * version whose alias moves by the champion rule of {@link ModelRegistrar}.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Trains a volatility-spike model from recordings (or a feature Parquet file with a mid"
                    + " column) and writes a model bundle: model.json, model.meta.json, report.md,"
                    + " pr_curve.png.",
            "Label: fwd_rv_60s >= tau, tau the 0.90 quantile of fwd_rv_60s over the training"
                    + " split. Split chronological with purging; early stopping and the decision"
                    + " threshold (max F1) on validation."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:training, writing the bundle or recording it in MLflow failed",
            "2:bad arguments or unusable data (no labelled rows, too few spikes in a split)"
        })
public class TrainCommand implements Callable<Integer> {

    /**
     * The default model columns: what is comparable across days and collectors. Returns and
     * realized volatility are log-return magnitudes, spreads are in basis points, order-book
     * imbalance is a ratio. Left out: quote rates and {@code dt_prev_s}, which measure the feed
     * (channel, collector, connection) as much as the market (the Exchange ticker recording has a
     * tenth of the Advanced Trade ticker's rate); trade features, which ticker-only recordings (the
     * whole corpus) do not have.
     */
    static final List<String> DEFAULT_FEATURES =
            List.of(
                    "ret_1s",
                    "ret_5s",
                    "ret_30s",
                    "ret_60s",
                    "rv_30s",
                    "rv_60s",
                    "rv_300s",
                    "spread_bps",
                    "spread_mean_30s",
                    "spread_mean_60s",
                    "spread_mean_300s",
                    "obi",
                    "obi_mean_30s",
                    "obi_mean_60s",
                    "obi_mean_300s");

    private static final String NAME = "cvd train";

    @Spec CommandSpec spec;

    @Parameters(
            paramLabel = "INPUT",
            arity = "1..*",
            description =
                    "Recordings (plain or gzip, read in this order as one stream), or one feature"
                            + " .parquet file with a mid column.")
    List<Path> inputs = new ArrayList<>();

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description = "The bundle folder to write, e.g. models/NAME (files replaced).")
    Path out;

    @Option(
            names = "--name",
            paramLabel = "NAME",
            description = "Model name in the meta; default: the --out folder's name.")
    String name;

    @Option(
            names = "--model-version",
            paramLabel = "V",
            defaultValue = "1",
            description = "Model version in the meta (default: ${DEFAULT-VALUE}).")
    String modelVersion;

    @Option(
            names = "--split",
            paramLabel = "TR,VA,TE",
            defaultValue = "0.6,0.2,0.2",
            description = "Fractions of rows in time order (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(
            names = "--features",
            paramLabel = "LIST",
            description =
                    "Model columns: comma-separated contract v1 names, or 'all'; default: returns,"
                            + " volatility, spreads and order-book imbalance (no quote rates,"
                            + " dt_prev_s or trade features).")
    String features;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: 42).")
    long seed;

    @Option(names = "--max-depth", defaultValue = "3", description = "Tree depth (default: 3).")
    int maxDepth;

    @Option(names = "--eta", defaultValue = "0.03", description = "Learning rate (default: 0.03).")
    double eta;

    @Option(
            names = "--rounds",
            defaultValue = "400",
            description = "Maximum boosting rounds (default: 400).")
    int rounds;

    @Option(
            names = "--early-stopping",
            defaultValue = "40",
            paramLabel = "N",
            description = "Stop after N rounds without a better validation aucpr (default: 40).")
    int earlyStopping;

    @Option(
            names = "--min-child-weight",
            defaultValue = "200",
            description =
                    "Minimum hessian in a leaf (default: 200, for tens of thousands of rows;"
                            + " lower it for small inputs).")
    double minChildWeight;

    @Option(
            names = "--subsample",
            defaultValue = "0.8",
            description = "Row fraction per tree (default: 0.8).")
    double subsample;

    @Option(
            names = "--colsample",
            defaultValue = "0.8",
            description = "Feature fraction per tree (default: 0.8).")
    double colsample;

    @Option(
            names = "--scale-pos-weight",
            defaultValue = "1",
            description = "Weight of spike rows (default: 1).")
    double scalePosWeight;

    @Option(
            names = "--lambda",
            defaultValue = "1",
            description = "L2 on leaf weights (default: 1).")
    double lambda;

    @Option(
            names = "--max-bin",
            defaultValue = "256",
            description = "Histogram bins per feature (default: 256).")
    int maxBin;

    @Option(
            names = "--nthread",
            defaultValue = "1",
            description =
                    "XGBoost threads; results are reproducible for a fixed value (default: 1).")
    int nthread;

    @Mixin RecordingOptions recordingOptions = new RecordingOptions();

    @Option(
            names = "--tracking-uri",
            paramLabel = "URL",
            description =
                    "MLflow tracking server to record the run in; default: cvd.mlflow.tracking-uri,"
                            + " else MLFLOW_TRACKING_URI, else no tracking. Credentials from"
                            + " MLFLOW_TRACKING_USERNAME/PASSWORD or MLFLOW_TRACKING_TOKEN.")
    String trackingUri;

    @Option(
            names = "--experiment",
            paramLabel = "NAME",
            defaultValue = "cvd",
            description = "MLflow experiment, created if missing (default: ${DEFAULT-VALUE}).")
    String experiment;

    @Option(
            names = "--register",
            paramLabel = "NAME",
            arity = "0..1",
            fallbackValue = ModelRegistrar.DEFAULT_MODEL,
            description =
                    "Register the bundle as a new version of this registered model (default name:"
                            + " ${FALLBACK-VALUE}; write --register=NAME before the inputs).")
    String register;

    @Option(
            names = "--alias",
            paramLabel = "ALIAS",
            defaultValue = ModelRegistrar.DEFAULT_ALIAS,
            description =
                    "Alias moved to the new version when its validation PR-AUC beats the current"
                            + " one's (default: ${DEFAULT-VALUE}).")
    String alias;

    @Option(
            names = "--promote",
            description = "Move the alias to the new version whatever the scores.")
    boolean promote;

    @Option(
            names = {"-q", "--quiet"},
            description = "No progress and no summary; errors still reported.")
    boolean quiet;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            return run(err);
        } finally {
            err.flush();
        }
    }

    private int run(PrintWriter err) {
        TrainingParams params;
        ChronologicalSplit fractions;
        List<String> columns;
        FieldMapping mapping;
        try {
            params =
                    new TrainingParams(
                            maxDepth,
                            eta,
                            rounds,
                            earlyStopping,
                            minChildWeight,
                            subsample,
                            colsample,
                            scalePosWeight,
                            lambda,
                            maxBin,
                            seed,
                            nthread);
            fractions = ChronologicalSplit.parse(split);
            columns = parseFeatures(features);
            mapping = recordingOptions.mapping();
        } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            return usage(err, "--out " + out + " is a file, not a folder");
        }
        Optional<MlflowConfig> tracking;
        try {
            tracking = MlflowConnection.resolve(trackingUri);
        } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
        }
        if (tracking.isEmpty() && (register != null || promote)) {
            return usage(
                    err,
                    "--register and --promote need an MLflow tracking server: --tracking-uri,"
                            + " cvd.mlflow.tracking-uri or MLFLOW_TRACKING_URI");
        }
        String modelName =
                name != null ? name : out.toAbsolutePath().normalize().getFileName().toString();
        long start = System.nanoTime();
        try {
            Dataset data = DatasetLoader.load(inputs, mapping, err, quiet, NAME);
            Progress progress = quiet ? null : new Progress(err, "rounds", params.rounds());
            TrainingRun.Outcome outcome;
            try {
                outcome =
                        TrainingRun.run(
                                data,
                                columns,
                                fractions,
                                params,
                                modelName,
                                modelVersion,
                                progress == null
                                        ? null
                                        : (round, max, aucpr) -> progress.update(round, round));
            } finally {
                if (progress != null) {
                    progress.finish();
                }
            }
            ModelBundleWriter.write(
                    out,
                    outcome,
                    data,
                    new ModelBundleWriter.Provenance(
                            command(), inputs.stream().map(Path::toString).toList()));
            if (!quiet) {
                summary(err, data, outcome, (System.nanoTime() - start) / 1e9);
            }
            if (tracking.isPresent()) {
                return track(err, new MlflowClient(tracking.get()), outcome);
            }
            return 0;
        } catch (DatasetException e) {
            return usage(err, e.getMessage());
        } catch (XGBoostError e) {
            err.println(NAME + ": XGBoost failed: " + firstLine(e.getMessage()));
            return 1;
        } catch (IOException e) {
            err.println(NAME + ": " + firstLine(String.valueOf(e.getMessage())));
            return 1;
        }
    }

    private int track(PrintWriter err, MlflowClient client, TrainingRun.Outcome outcome) {
        TrainingTracker.Result r;
        try {
            r =
                    TrainingTracker.track(
                            client,
                            experiment,
                            out,
                            outcome,
                            inputs.stream().map(Path::toString).toList(),
                            command(),
                            register == null && !promote
                                    ? null
                                    : new TrainingTracker.Registration(
                                            register == null
                                                    ? ModelRegistrar.DEFAULT_MODEL
                                                    : register,
                                            alias,
                                            promote));
        } catch (MlflowException e) {
            err.println(
                    NAME
                            + ": the bundle is in "
                            + out
                            + " but recording it in MLflow failed: "
                            + firstLine(e.getMessage()));
            return 1;
        }
        if (!quiet) {
            err.printf(
                    Locale.ROOT,
                    "  MLflow %s: experiment %s, run %s%n",
                    client.config().displayUri(),
                    experiment,
                    r.run().runId());
            ModelRegistrar.Outcome reg = r.registration();
            if (reg != null) {
                err.printf(
                        Locale.ROOT,
                        "  registered %s version %s; %s %s (%s)%n",
                        reg.version().name(),
                        reg.version().version(),
                        alias,
                        reg.promoted()
                                ? "-> version " + reg.version().version()
                                : "stays on version " + reg.previousChampion(),
                        reg.reason());
            }
        }
        return 0;
    }

    private void summary(PrintWriter err, Dataset data, TrainingRun.Outcome o, double seconds) {
        err.printf(
                Locale.ROOT,
                "%s: %,d labelled rows (%,d without a label dropped) -> %s in %.1f s%n",
                NAME,
                data.size(),
                data.unlabelled(),
                out,
                seconds);
        err.printf(
                Locale.ROOT,
                "  tau %.6g, threshold %.4f, %d trees (best of %d rounds)%n",
                o.meta().tau(),
                o.meta().threshold(),
                o.model().bestRound(),
                o.model().roundsRun());
        err.printf(
                Locale.ROOT,
                "  %-10s %7s %9s %8s %9s %9s %10s%n",
                "split",
                "rows",
                "spikes",
                "PR-AUC",
                "baseline",
                "ROC-AUC",
                "F1");
        for (String s : o.modelMetrics().keySet()) {
            BinaryMetrics.Result m = o.modelMetrics().get(s);
            BinaryMetrics.Result b = o.baselineMetrics().get(s);
            err.printf(
                    Locale.ROOT,
                    "  %-10s %7d %9d %8.3f %9.3f %9.3f %10.3f%n",
                    s,
                    m.rows(),
                    m.positives(),
                    m.prAuc(),
                    b.prAuc(),
                    m.rocAuc(),
                    m.f1());
        }
    }

    /** The command as typed, for the report. */
    private String command() {
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        // Under the top command, the original arguments start with the subcommand's name.
        int first = spec.parent() != null ? args.indexOf(spec.name()) + 1 : 0;
        args = args.subList(first, args.size());
        StringBuilder sb = new StringBuilder("./cvd train");
        for (String a : args) {
            sb.append(' ').append(a.matches("[A-Za-z0-9_./=,:@+-]+") ? a : "'" + a + "'");
        }
        return sb.toString();
    }

    static List<String> parseFeatures(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT_FEATURES;
        }
        if (text.trim().equalsIgnoreCase("all")) {
            return FeatureContract.NAMES;
        }
        List<String> names =
                Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        TrainingRun.columns(names); // validates
        return names;
    }

    private static int usage(PrintWriter err, String message) {
        err.println(NAME + ": " + firstLine(message));
        return 2;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
