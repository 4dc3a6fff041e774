package dev.cvd.ingest.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvd.ingest.FieldMapping;
import dev.cvd.ingest.RecordingListener;
import dev.cvd.ingest.RecordingReader;
import dev.cvd.market.MarketEvent;
import dev.cvd.market.Quote;
import dev.cvd.market.Trade;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The real Advanced Trade capture under {@code coinbase/}: its received frames, and the events a
 * {@link RecordingReader} reads from the file.
 */
final class Capture {

    static final String NAME = "advanced_trade_capture_20260809.jsonl.gz";
    static final ObjectMapper JSON = new ObjectMapper();

    /** One received frame: receive time (epoch s), channel, the frame verbatim. */
    record Recv(double ts, String channel, String data) {}

    private Capture() {}

    static Path path() {
        try {
            return Path.of(Capture.class.getResource("/coinbase/" + NAME).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The capture's {@code recv} records, in file order. */
    static List<Recv> frames() {
        List<Recv> frames = new ArrayList<>();
        try (BufferedReader in =
                new BufferedReader(
                        new InputStreamReader(
                                new GZIPInputStream(Files.newInputStream(path())),
                                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                JsonNode r = JSON.readTree(line);
                if ("recv".equals(r.path("t").asText())) {
                    String data = r.get("data").asText();
                    frames.add(
                            new Recv(
                                    r.get("ts").asDouble(),
                                    JSON.readTree(data).path("channel").asText(),
                                    data));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return frames;
    }

    /** Every event of the capture file as a {@link RecordingReader} reads it, in order. */
    static List<MarketEvent> events() {
        return read(List.of(path()));
    }

    /** The events of recordings read in order, as one stream. */
    static List<MarketEvent> read(List<Path> files) {
        List<MarketEvent> events = new ArrayList<>();
        RecordingReader reader = new RecordingReader(FieldMapping.DEFAULT);
        RecordingListener collect =
                new RecordingListener() {
                    @Override
                    public void onEvent(MarketEvent event) {
                        events.add(event);
                    }

                    @Override
                    public void onRejected(String reason, String line) {}
                };
        try {
            for (Path f : files) {
                reader.read(f, collect);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return events;
    }

    /** Quotes and trades only: what a book resync may not add to or take from. */
    static List<MarketEvent> quotesAndTrades(List<MarketEvent> events) {
        return events.stream().filter(e -> e instanceof Quote || e instanceof Trade).toList();
    }
}
