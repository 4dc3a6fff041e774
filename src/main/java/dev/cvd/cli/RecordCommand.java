package dev.cvd.cli;

import dev.cvd.ingest.FrameRecorder;
import dev.cvd.ingest.live.Backoff;
import dev.cvd.ingest.live.CoinbaseSettings;
import dev.cvd.ingest.live.LiveRecorder;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cvd record}: captures live Advanced Trade frames, verbatim with their receive times, into
 * rotating {@code .ndjson.gz} files that {@code cvd replay} and {@code cvd features} read. Nothing
 * else of the pipeline runs: no broker, no HTTP server (the {@code cli} profile); the connection is
 * the command's own (JDK WebSocket client) with the live source's protocol, limits and reconnects.
 */
@Command(
        name = "record",
        mixinStandardHelpOptions = true,
        description = {
            "Records live Coinbase Advanced Trade frames (heartbeats, ticker, market_trades,"
                    + " level2) into rotating .ndjson.gz capture files for replay, features and"
                    + " training.",
        })
public class RecordCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--products",
            paramLabel = "ID",
            split = ",",
            description = "Products to record (default: cvd.coinbase.products, BTC-USD,ETH-USD).")
    List<String> products;

    @Option(
            names = "--minutes",
            required = true,
            paramLabel = "N",
            description = "How long to record, in minutes (decimals allowed).")
    double minutes;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description = "Folder of the capture files (created if missing).")
    Path out;

    @Option(
            names = "--url",
            paramLabel = "WSS_URL",
            description = "Advanced Trade endpoint (default: cvd.coinbase.url).")
    String url;

    private final CoinbaseSettings settings;

    public RecordCommand(CoinbaseSettings settings) {
        this.settings = settings;
    }

    @Override
    public Integer call() throws Exception {
        var err = spec.commandLine().getErr();
        if (!(minutes > 0) || Double.isInfinite(minutes)) {
            err.println("cvd record: --minutes must be a positive number");
            return 2;
        }
        List<String> ids = products != null ? products : settings.products();
        if (ids.isEmpty() || ids.stream().anyMatch(String::isBlank)) {
            err.println("cvd record: --products needs at least one product id");
            return 2;
        }
        URI endpoint = URI.create(url != null ? url : settings.url());
        try (FrameRecorder recorder =
                new FrameRecorder(
                        out, "coinbase", settings.recordMaxBytes(), settings.recordMaxAge())) {
            LiveRecorder live =
                    new LiveRecorder(
                            endpoint,
                            ids,
                            settings.jwt(),
                            recorder,
                            settings.watchdog(),
                            settings.subscribeSpacing(),
                            new Backoff(
                                    settings.backoffInitial(),
                                    settings.backoffMax(),
                                    () -> ThreadLocalRandom.current().nextDouble()),
                            line -> {
                                err.println("cvd record: " + line);
                                err.flush();
                            });
            long frames = live.run(Duration.ofMillis((long) (minutes * 60_000)));
            recorder.close();
            err.println(
                    "cvd record: "
                            + frames
                            + " frames in "
                            + recorder.files()
                            + " file(s) under "
                            + out
                            + " ("
                            + live.connections()
                            + " connection(s))");
        }
        return 0;
    }
}
