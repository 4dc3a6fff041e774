package dev.cvd.cli;

import dev.cvd.registry.MlflowClient;
import dev.cvd.registry.MlflowConfig;
import dev.cvd.registry.MlflowException;
import dev.cvd.registry.ModelRegistrar;
import dev.cvd.registry.ModelVersion;
import dev.cvd.registry.RegisteredModel;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cvd models list|promote}: the registered models of the MLflow model registry, their
 * versions and aliases, and moving an alias by hand. Exit codes: 0 done, 1 MLflow failed or
 * refused, 2 bad arguments.
 */
@Command(
        name = "models",
        mixinStandardHelpOptions = true,
        description = "Registered models in MLflow: list versions and aliases, promote a version.",
        subcommands = {ModelsCommand.ListModels.class, ModelsCommand.Promote.class})
public class ModelsCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** The options every subcommand shares. */
    static class Connection {
        @Option(
                names = "--tracking-uri",
                paramLabel = "URL",
                description =
                        "MLflow tracking server; default: cvd.mlflow.tracking-uri, else"
                                + " MLFLOW_TRACKING_URI.")
        String trackingUri;

        MlflowClient client() {
            Optional<MlflowConfig> config = MlflowConnection.resolve(trackingUri);
            return new MlflowClient(
                    config.orElseThrow(
                            () ->
                                    new IllegalArgumentException(
                                            "no MLflow tracking server: give --tracking-uri or set"
                                                    + " cvd.mlflow.tracking-uri or"
                                                    + " MLFLOW_TRACKING_URI")));
        }
    }

    /** {@code cvd models list [--name N]}. */
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Registered models with their aliases and versions, newest first.")
    static class ListModels implements Callable<Integer> {

        @Spec CommandSpec spec;

        @picocli.CommandLine.Mixin Connection connection = new Connection();

        @Option(names = "--name", paramLabel = "NAME", description = "Only this model.")
        String name;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                MlflowClient client = connection.client();
                List<RegisteredModel> models = new ArrayList<>();
                if (name != null) {
                    models.add(
                            client.getRegisteredModel(name)
                                    .orElseThrow(
                                            () ->
                                                    new IllegalArgumentException(
                                                            "no registered model " + name)));
                } else {
                    models.addAll(client.searchRegisteredModels());
                }
                ModelRegistrar registrar = new ModelRegistrar(client);
                for (RegisteredModel m : models) {
                    out.printf(Locale.ROOT, "%s  aliases %s%n", m.name(), m.aliases());
                    out.printf(
                            Locale.ROOT,
                            "  %-8s %-20s %-32s %-10s %-22s %s%n",
                            "version",
                            "created (UTC)",
                            "run",
                            "val PR-AUC",
                            "data fingerprint",
                            "aliases");
                    for (ModelVersion v : client.searchModelVersions(m.name())) {
                        var score = registrar.score(v);
                        String fp = v.tags().getOrDefault("data_fingerprint", "-");
                        out.printf(
                                Locale.ROOT,
                                "  %-8s %-20s %-32s %-10s %-22s %s%n",
                                v.version(),
                                Instant.ofEpochMilli(v.createdAtMillis())
                                        .toString()
                                        .substring(0, 19),
                                v.runId() == null ? "-" : v.runId(),
                                score.isPresent()
                                        ? String.format(Locale.ROOT, "%.4f", score.getAsDouble())
                                        : "-",
                                fp.length() > 22 ? fp.substring(0, 22) : fp,
                                aliases(m, v));
                    }
                }
                return 0;
            } catch (IllegalArgumentException e) {
                err.println("cvd models list: " + e.getMessage());
                return 2;
            } catch (MlflowException e) {
                err.println("cvd models list: " + e.getMessage());
                return 1;
            } finally {
                out.flush();
                err.flush();
            }
        }
    }

    /** The aliases of a version; version searches do not return them on every MLflow release. */
    static String aliases(RegisteredModel m, ModelVersion v) {
        List<String> names = new ArrayList<>(v.aliases());
        m.aliases()
                .forEach(
                        (alias, version) -> {
                            if (version.equals(v.version()) && !names.contains(alias)) {
                                names.add(alias);
                            }
                        });
        return String.join(",", names);
    }

    /** {@code cvd models promote NAME VERSION [--alias A]}. */
    @Command(
            name = "promote",
            mixinStandardHelpOptions = true,
            description =
                    "Points an alias (default champion) at a version; services following"
                            + " models:/NAME@ALIAS switch to it at their next registry poll.")
    static class Promote implements Callable<Integer> {

        @Spec CommandSpec spec;

        @picocli.CommandLine.Mixin Connection connection = new Connection();

        @Parameters(index = "0", paramLabel = "NAME", description = "Registered model.")
        String name;

        @Parameters(index = "1", paramLabel = "VERSION", description = "Version number.")
        String version;

        @Option(
                names = "--alias",
                paramLabel = "ALIAS",
                defaultValue = ModelRegistrar.DEFAULT_ALIAS,
                description = "Alias to move (default: ${DEFAULT-VALUE}).")
        String alias;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                Optional<ModelVersion> before =
                        new ModelRegistrar(connection.client()).promote(name, version, alias);
                out.printf(
                        Locale.ROOT,
                        "%s@%s -> version %s (was %s)%n",
                        name,
                        alias,
                        version,
                        before.map(v -> "version " + v.version()).orElse("unset"));
                return 0;
            } catch (IllegalArgumentException e) {
                err.println("cvd models promote: " + e.getMessage());
                return 2;
            } catch (MlflowException e) {
                err.println("cvd models promote: " + e.getMessage());
                return 1;
            } finally {
                out.flush();
                err.flush();
            }
        }
    }
}
