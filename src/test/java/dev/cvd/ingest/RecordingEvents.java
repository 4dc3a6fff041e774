package dev.cvd.ingest;

import dev.cvd.market.MarketEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A recording's events, in order, as the default reader decodes them (rejected lines left out). */
public final class RecordingEvents {

    private RecordingEvents() {}

    public static List<MarketEvent> of(Path recording) throws IOException {
        List<MarketEvent> events = new ArrayList<>();
        new RecordingReader(FieldMapping.DEFAULT)
                .read(
                        recording,
                        new RecordingListener() {
                            @Override
                            public void onEvent(MarketEvent event) {
                                events.add(event);
                            }

                            @Override
                            public void onRejected(String reason, String line) {}
                        });
        return events;
    }
}
