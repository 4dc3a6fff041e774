package dev.cvd.scoring.stage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code cvd.predictions{outcome=spike|calm, source=api|stream}}: predictions made, by outcome and
 * by where the row came from. All four series exist from the start, at 0.
 */
@ApplicationScoped
public class PredictionMetrics {

    /** Where a scored row came from. */
    public enum Source {
        /** {@code POST /predict}. */
        API,
        /** The ticks.features stream. */
        STREAM
    }

    private final Counter[] counters = new Counter[4];

    public PredictionMetrics(MeterRegistry registry) {
        for (Source source : Source.values()) {
            for (boolean spike : new boolean[] {false, true}) {
                counters[index(source, spike)] =
                        Counter.builder("cvd.predictions")
                                .description("Predictions made, by outcome and source")
                                .tag("outcome", spike ? "spike" : "calm")
                                .tag("source", source.name().toLowerCase())
                                .register(registry);
            }
        }
    }

    /** Counts the rows of a scoring call. */
    public void count(Source source, Scores scores) {
        int spikes = 0;
        for (int i = 0; i < scores.size(); i++) {
            if (scores.isSpike(i)) {
                spikes++;
            }
        }
        if (spikes > 0) {
            counters[index(source, true)].increment(spikes);
        }
        if (spikes < scores.size()) {
            counters[index(source, false)].increment(scores.size() - spikes);
        }
    }

    private static int index(Source source, boolean spike) {
        return source.ordinal() * 2 + (spike ? 1 : 0);
    }
}
