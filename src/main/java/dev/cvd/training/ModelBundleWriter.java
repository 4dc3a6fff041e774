package dev.cvd.training;

import dev.cvd.market.EventTime;
import dev.cvd.scoring.ModelMeta;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a model bundle folder: {@code model.json} (the XGBoost model as XGBoost4J saves it),
 * {@code model.meta.json}, {@code report.md} and {@code pr_curve.png} (model and baseline on the
 * test split).
 */
public final class ModelBundleWriter {

    /** The report's file name. */
    public static final String REPORT = "report.md";

    /** The chart's file name. */
    public static final String CHART = "pr_curve.png";

    /**
     * What the report says about where the data came from.
     *
     * @param command the command line that trained the model, as the user typed it
     * @param inputs the input files, as given
     */
    public record Provenance(String command, List<String> inputs) {}

    private ModelBundleWriter() {}

    /**
     * Writes the bundle, creating the folder; existing bundle files are replaced.
     *
     * @throws IOException if a file cannot be written
     */
    public static void write(
            Path dir, TrainingRun.Outcome outcome, Dataset data, Provenance provenance)
            throws IOException {
        Files.createDirectories(dir);
        ModelMeta meta = outcome.meta();
        Files.write(dir.resolve(meta.modelFile()), outcome.modelJson());
        meta.write(dir.resolve(ModelMeta.FILE_NAME));
        Files.writeString(
                dir.resolve(REPORT), report(outcome, data, provenance), StandardCharsets.UTF_8);
        BinaryMetrics.Result modelTest = outcome.modelMetrics().get("test");
        BinaryMetrics.Result baseTest = outcome.baselineMetrics().get("test");
        PrCurveChart.write(
                dir.resolve(CHART),
                "Precision-recall on the test split (" + meta.name() + ")",
                modelTest.positiveRate(),
                new PrCurveChart.Series(
                        String.format(Locale.ROOT, "model (PR-AUC %.3f)", modelTest.prAuc()),
                        outcome.testModelCurve(),
                        new Color(31, 119, 180)),
                new PrCurveChart.Series(
                        String.format(
                                Locale.ROOT, "baseline rv_60s (PR-AUC %.3f)", baseTest.prAuc()),
                        outcome.testBaselineCurve(),
                        new Color(255, 127, 14)));
    }

    /** The Markdown report. */
    static String report(TrainingRun.Outcome o, Dataset data, Provenance provenance) {
        ModelMeta meta = o.meta();
        StringBuilder md = new StringBuilder();
        md.append("# Model ").append(meta.name()).append(" ").append(meta.version()).append("\n\n");
        md.append("Spike detector for the next 60 s: `spike = ")
                .append(meta.label())
                .append(" >= tau`, XGBoost `")
                .append(meta.objective())
                .append("` on feature contract v")
                .append(meta.contractVersion())
                .append(". Created ")
                .append(meta.createdAt())
                .append(".\n\n");
        md.append("Trained with:\n\n```bash\n").append(provenance.command()).append("\n```\n\n");

        md.append("## Data\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| inputs | ")
                .append(provenance.inputs().size())
                .append(" file(s): ")
                .append(inputList(provenance.inputs()))
                .append(" |\n");
        md.append("| feature rows | ").append(data.featureRows()).append(" |\n");
        md.append("| without a label (dropped) | ")
                .append(data.unlabelled())
                .append(" (last 60 s of each segment) |\n");
        md.append("| labelled rows | ").append(data.size()).append(" |\n");
        if (!data.rejected().isEmpty()) {
            md.append("| rejected input | ").append(data.rejected()).append(" |\n");
        }
        md.append("| data fingerprint | `").append(meta.dataFingerprint()).append("` |\n\n");

        md.append("## Splits\n\n");
        md.append("Chronological, ")
                .append(o.split())
                .append(" of the labelled rows in time order; rows whose label window (t, t+60 s]")
                .append(" reaches the next split are purged.\n\n");
        md.append("| split | from (UTC) | to (UTC) | rows | purged | spikes | spike rate |\n");
        md.append("|---|---|---|---:|---:|---:|---:|\n");
        for (var e : o.splits().entrySet()) {
            TrainingRun.SplitSummary s = e.getValue();
            md.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %s | %s | %d | %d | %d | %.3f |\n",
                            e.getKey(),
                            EventTime.format(s.firstMicros()),
                            EventTime.format(s.lastMicros()),
                            s.rows(),
                            s.purged(),
                            s.positives(),
                            s.positives() / (double) s.rows()));
        }
        md.append("\n");
        md.append(
                String.format(
                        Locale.ROOT,
                        "- tau = %.6g (the %.2f quantile of %s over the training split, linear"
                                + " interpolation)\n",
                        meta.tau(),
                        TrainingRun.TAU_QUANTILE,
                        meta.label()));
        md.append(
                String.format(
                        Locale.ROOT,
                        "- decision threshold = %.6g (probability; maximum F1 on validation)\n",
                        meta.threshold()));
        md.append(
                String.format(
                        Locale.ROOT,
                        "- baseline threshold = %.6g (rv_60s; maximum F1 on validation)\n\n",
                        o.baselineThreshold()));

        md.append("## Metrics\n\n");
        md.append("Model vs. the persistence baseline (score = `rv_60s`; rows where it is NaN")
                .append(" score lowest). PR-AUC is average precision.\n\n");
        md.append(
                "| split | PR-AUC model | PR-AUC baseline | ROC-AUC model | ROC-AUC baseline |"
                        + " F1 model | F1 baseline | precision model | recall model | alert"
                        + " rate model |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String s : o.modelMetrics().keySet()) {
            BinaryMetrics.Result m = o.modelMetrics().get(s);
            BinaryMetrics.Result b = o.baselineMetrics().get(s);
            md.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
                            s,
                            f3(m.prAuc()),
                            f3(b.prAuc()),
                            f3(m.rocAuc()),
                            f3(b.rocAuc()),
                            f3(m.f1()),
                            f3(b.f1()),
                            f3(m.precision()),
                            f3(m.recall()),
                            f3(m.alertRate())));
        }
        md.append("\n![PR curves on the test split](").append(CHART).append(")\n\n");

        md.append("## Features\n\n");
        md.append("Model columns, in order: ")
                .append(
                        String.join(
                                ", ", meta.features().stream().map(f -> "`" + f + "`").toList()))
                .append(".\n\n");
        md.append("Importance (gain), top 15:\n\n");
        md.append("| feature | gain | share of total gain |\n|---|---:|---:|\n");
        Map<String, Double> total = o.model().totalGain();
        double sum = total.values().stream().mapToDouble(Double::doubleValue).sum();
        List<String> ranked = new ArrayList<>(total.keySet());
        for (int i = 0; i < Math.min(15, ranked.size()); i++) {
            String f = ranked.get(i);
            Double gain = o.model().gain().get(f);
            md.append(
                    String.format(
                            Locale.ROOT,
                            "| `%s` | %.4g | %.1f%% |\n",
                            f,
                            gain == null ? Double.NaN : gain,
                            100 * total.get(f) / sum));
        }
        md.append("\n## Hyperparameters\n\n| parameter | value |\n|---|---|\n");
        for (var e : meta.params().entrySet()) {
            md.append("| ").append(e.getKey()).append(" | ").append(e.getValue()).append(" |\n");
        }
        md.append(
                String.format(
                        Locale.ROOT,
                        "\nTrained %d rounds; the model keeps the best, %d trees (validation aucpr"
                                + " %.4f).\n",
                        o.model().roundsRun(),
                        o.model().bestRound(),
                        o.model().bestValidationAucpr()));
        return md.toString();
    }

    private static String inputList(List<String> inputs) {
        List<String> shown = new ArrayList<>();
        for (String s : inputs) {
            shown.add("`" + s + "`");
        }
        return String.join(", ", shown);
    }

    static String f3(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
    }
}
