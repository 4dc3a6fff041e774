package dev.cvd;

import dev.cvd.features.FeatureEngine;
import dev.cvd.features.FeatureRow;
import dev.cvd.ingest.RecordingEvents;
import dev.cvd.market.MarketEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A recording as the offline tools see it ({@code ./cvd features}): its events in order, and the
 * row each event gives in one uninterrupted {@link FeatureEngine}. The reference of the fault
 * tests.
 */
final class OfflineRun {

    /** The recording's events, in the order ingest publishes them. */
    final List<MarketEvent> events;

    /** The row of each event (same index), or null for an event that gives none. */
    final List<FeatureRow> rowOfEvent;

    private OfflineRun(List<MarketEvent> events, List<FeatureRow> rowOfEvent) {
        this.events = Collections.unmodifiableList(events);
        this.rowOfEvent = Collections.unmodifiableList(rowOfEvent);
    }

    static OfflineRun of(Path recording) throws IOException {
        List<MarketEvent> events = RecordingEvents.of(recording);
        FeatureEngine engine = new FeatureEngine();
        List<FeatureRow> rows = new ArrayList<>();
        for (MarketEvent e : events) {
            FeatureRow[] row = {null};
            engine.accept(e, (p, t, v) -> row[0] = new FeatureRow(p, t, v.clone()));
            rows.add(row[0]);
        }
        return new OfflineRun(events, rows);
    }

    /** The rows of events {@code [from, to)}, in order. */
    List<FeatureRow> rows(int from, int to) {
        return rowOfEvent.subList(from, to).stream().filter(Objects::nonNull).toList();
    }

    /** Every row of the recording, in order. */
    List<FeatureRow> rows() {
        return rows(0, events.size());
    }
}
