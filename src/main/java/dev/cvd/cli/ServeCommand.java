package dev.cvd.cli;

import dev.cvd.ingest.Replay;
import dev.cvd.ingest.live.CoinbaseSettings;
import dev.cvd.ingest.live.CoinbaseSource;
import dev.cvd.ingest.stage.IngestSettings;
import dev.cvd.ingest.stage.ReplayService;
import dev.cvd.kafka.KafkaPlatform;
import io.quarkus.runtime.Quarkus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.eclipse.microprofile.config.Config;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cvd serve}: the service. Its stages (ingest, features, ...) started with the application;
 * this command starts the ingest source and then serves until the process is stopped.
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the service: ingest onto ticks.raw, features onto ticks.features and the Parquet"
                    + " store, predictions onto ticks.predictions, and the HTTP API (/predict,"
                    + " /version, /health, /metrics).",
            "With no kafka.bootstrap.servers configured, an embedded Kafka broker runs in the"
                    + " process. By default the bundled recording is replayed.",
        })
public class ServeCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--source",
            paramLabel = "replay|coinbase",
            description = "Where events come from (default: cvd.ingest.source, replay).")
    String source;

    @Option(
            names = "--recording",
            paramLabel = "FILE",
            split = ",",
            description =
                    "Recordings the replay source plays, in order (default: the bundled one).")
    List<Path> recordings;

    @Option(
            names = "--speed",
            paramLabel = "N|max",
            description = "Replay speed: original timing divided by N, or max (default: 10).")
    String speed;

    @Option(names = "--loop", description = "Replay the recordings again and again.")
    Boolean loop;

    @Option(
            names = "--products",
            paramLabel = "ID",
            split = ",",
            description =
                    "Products the coinbase source subscribes to (default: cvd.coinbase.products,"
                            + " BTC-USD,ETH-USD).")
    List<String> products;

    private final ReplayService replay;
    private final CoinbaseSource coinbase;
    private final CoinbaseSettings coinbaseSettings;
    private final IngestSettings settings;
    private final KafkaPlatform kafka;
    private final Config config;

    public ServeCommand(
            ReplayService replay,
            CoinbaseSource coinbase,
            CoinbaseSettings coinbaseSettings,
            IngestSettings settings,
            KafkaPlatform kafka,
            Config config) {
        this.replay = replay;
        this.coinbase = coinbase;
        this.coinbaseSettings = coinbaseSettings;
        this.settings = settings;
        this.kafka = kafka;
        this.config = config;
    }

    @Override
    public Integer call() {
        var err = spec.commandLine().getErr();
        String src = source != null ? source : settings.source();
        String ingest = "off in this instance";
        if (settings.enabled() && src.equals("coinbase")) {
            List<String> ids = products != null ? products : coinbaseSettings.products();
            if (ids.isEmpty() || ids.stream().anyMatch(String::isBlank)) {
                err.println("cvd serve: --products needs at least one product id");
                return 2;
            }
            coinbase.start(ids);
            ingest =
                    "live from "
                            + coinbaseSettings.url()
                            + " "
                            + ids
                            + coinbaseSettings
                                    .recordDir()
                                    .map(d -> ", recording frames to " + d)
                                    .orElse("");
        } else if (settings.enabled()) {
            if (!src.equals("replay")) {
                err.println("cvd serve: unknown --source " + src + " (use replay or coinbase)");
                return 2;
            }
            List<Path> files =
                    recordings != null
                            ? recordings
                            : settings.recordings().stream().map(Path::of).toList();
            for (Path f : files) {
                if (!Files.isReadable(f)) {
                    err.println("cvd serve: cannot read recording " + f);
                    return 2;
                }
            }
            double s;
            try {
                s = Replay.parseSpeed(speed != null ? speed : settings.speed());
            } catch (IllegalArgumentException e) {
                err.println("cvd serve: " + e.getMessage());
                return 2;
            }
            boolean repeat = loop != null ? loop : settings.loop();
            replay.start(files, s, repeat);
            ingest =
                    "replaying "
                            + files
                            + " at speed "
                            + (Double.isInfinite(s) ? "max" : speed(s))
                            + (repeat ? ", looping" : "");
        }
        String http =
                "http://localhost:"
                        + config.getOptionalValue("quarkus.http.port", Integer.class).orElse(8080);
        err.println(
                "cvd serving at "
                        + http
                        + "  (live page "
                        + http
                        + "/, health "
                        + http
                        + "/health, metrics "
                        + http
                        + "/metrics)");
        err.println(
                "  kafka: "
                        + kafka.bootstrapServers()
                        + (kafka.isEmbedded() ? " (embedded broker)" : ""));
        err.println("  ingest: " + ingest);
        err.flush();
        Quarkus.waitForExit();
        return 0;
    }

    private static String speed(double s) {
        return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
    }
}
