package dev.cvd.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cvd.ingest.FieldMapping;
import dev.cvd.market.EventTime;
import dev.cvd.scoring.InvalidModelException;
import dev.cvd.scoring.ModelBundle;
import dev.cvd.scoring.ModelMeta;
import dev.cvd.training.BinaryMetrics;
import dev.cvd.training.Dataset;
import dev.cvd.training.DatasetException;
import dev.cvd.training.HoldoutEvaluation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cvd evaluate --model models/NAME RECORDING... [--json]}: the bundle's metrics and the
 * persistence baseline's on recordings it has not seen.
 *
 * <p>Rows and labels are built exactly as in training; tau, the decision threshold and the
 * baseline's threshold come from the bundle (tau is never recomputed on the new data). The model is
 * scored through {@link ModelBundle}, the same code that serves it. A plain picocli command with no
 * injected state. Exit codes: 0 done, 2 bad arguments, unusable bundle or no labelled rows.
 */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description = {
            "Evaluates a model bundle on recordings it has not seen, next to the persistence"
                    + " baseline (score = rv_60s) on the same rows.",
            "Uses the bundle's tau and thresholds. A table goes to stdout, or JSON with --json;"
                    + " progress to stderr."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "2:bad arguments, unusable model bundle or no labelled rows"})
public class EvaluateCommand implements Callable<Integer> {

    private static final String NAME = "cvd evaluate";

    /** Which evaluator scores the rows. */
    enum Engine {
        JAVA,
        XGBOOST4J
    }

    @Spec CommandSpec spec;

    @Option(
            names = "--model",
            required = true,
            paramLabel = "DIR",
            description = "The model bundle folder, e.g. models/NAME.")
    Path model;

    @Parameters(
            paramLabel = "INPUT",
            arity = "1..*",
            description =
                    "Recordings (read in this order as one stream), or one feature .parquet file"
                            + " with a mid column.")
    List<Path> inputs = new ArrayList<>();

    @Option(names = "--json", description = "Print the result as JSON on stdout.")
    boolean json;

    @Option(
            names = "--engine",
            defaultValue = "JAVA",
            description = "Evaluator: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Engine engine;

    @Mixin RecordingOptions recordingOptions = new RecordingOptions();

    @Option(
            names = {"-q", "--quiet"},
            description = "No progress; errors still reported.")
    boolean quiet;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter outWriter = spec.commandLine().getOut();
        try {
            return run(outWriter, err);
        } finally {
            outWriter.flush();
            err.flush();
        }
    }

    private int run(PrintWriter stdout, PrintWriter err) {
        FieldMapping mapping;
        try {
            mapping = recordingOptions.mapping();
        } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
        }
        try (ModelBundle bundle =
                ModelBundle.load(
                        model,
                        engine == Engine.JAVA
                                ? ModelBundle.Engine.PURE_JAVA
                                : ModelBundle.Engine.XGBOOST4J)) {
            if (!bundle.acceptsContractRows()) {
                return usage(
                        err,
                        model
                                + " was not trained on cvd feature contract rows; it cannot be"
                                + " evaluated on recordings");
            }
            ModelMeta meta = bundle.meta();
            Dataset data = DatasetLoader.load(inputs, mapping, err, quiet || json, NAME);
            HoldoutEvaluation.Result r =
                    HoldoutEvaluation.evaluate(
                            data, meta, (rows, out) -> bundle.evaluator().probabilities(rows, out));
            if (json) {
                stdout.println(toJson(meta, data, r));
            } else {
                table(stdout, meta, data, r);
            }
            return 0;
        } catch (InvalidModelException e) {
            return usage(err, e.getMessage());
        } catch (DatasetException e) {
            return usage(err, e.getMessage());
        } catch (IOException e) {
            return usage(err, String.valueOf(e.getMessage()));
        }
    }

    private void table(PrintWriter out, ModelMeta meta, Dataset data, HoldoutEvaluation.Result r) {
        out.printf(
                Locale.ROOT,
                "%s %s on %d labelled rows (%s .. %s), %d without a label dropped%n",
                meta.name(),
                meta.version(),
                r.rows(),
                EventTime.format(r.firstMicros()),
                EventTime.format(r.lastMicros()),
                r.unlabelled());
        out.printf(
                Locale.ROOT,
                "tau %.6g (from the bundle): %d spikes, rate %.3f%n",
                r.tau(),
                r.model().positives(),
                r.model().positiveRate());
        out.printf(
                Locale.ROOT,
                "%-10s %8s %8s %10s %10s %8s %8s %10s%n",
                "",
                "PR-AUC",
                "ROC-AUC",
                "threshold",
                "precision",
                "recall",
                "F1",
                "alert rate");
        row(out, "model", r.model());
        row(out, "baseline", r.baseline());
    }

    private static void row(PrintWriter out, String label, BinaryMetrics.Result m) {
        out.printf(
                Locale.ROOT,
                "%-10s %8s %8s %10s %10s %8s %8s %10s%n",
                label,
                f(m.prAuc(), 3),
                f(m.rocAuc(), 3),
                f(m.threshold(), 4),
                f(m.precision(), 3),
                f(m.recall(), 3),
                f(m.f1(), 3),
                f(m.alertRate(), 3));
    }

    private static String f(double v, int digits) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    private String toJson(ModelMeta meta, Dataset data, HoldoutEvaluation.Result r)
            throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model", meta.name());
        root.put("version", meta.version());
        root.put("bundle", model.toString());
        root.put("inputs", inputs.stream().map(Path::toString).toList());
        root.put("engine", engine.name().toLowerCase(Locale.ROOT));
        root.put("rows", r.rows());
        root.put("unlabelled", r.unlabelled());
        root.put("from", EventTime.format(r.firstMicros()));
        root.put("to", EventTime.format(r.lastMicros()));
        root.put("tau", r.tau());
        root.put("data_fingerprint", data.fingerprint());
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("model", metrics(r.model()));
        metrics.put("baseline", metrics(r.baseline()));
        root.put("metrics", metrics);
        return new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(root);
    }

    private static Map<String, Object> metrics(BinaryMetrics.Result m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("rows", m.rows());
        out.put("positives", m.positives());
        out.put("positive_rate", nullIfNaN(m.positiveRate()));
        out.put("pr_auc", nullIfNaN(m.prAuc()));
        out.put("roc_auc", nullIfNaN(m.rocAuc()));
        out.put("threshold", nullIfNaN(m.threshold()));
        out.put("precision", nullIfNaN(m.precision()));
        out.put("recall", nullIfNaN(m.recall()));
        out.put("f1", nullIfNaN(m.f1()));
        out.put("alert_rate", nullIfNaN(m.alertRate()));
        return out;
    }

    private static Double nullIfNaN(double v) {
        return Double.isNaN(v) ? null : v;
    }

    private static int usage(PrintWriter err, String message) {
        String m = message == null ? "unknown error" : message;
        int nl = m.indexOf('\n');
        err.println(NAME + ": " + (nl < 0 ? m : m.substring(0, nl)));
        return 2;
    }
}
