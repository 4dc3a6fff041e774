package dev.cvd.features.stage;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the features stage (ticks.raw to ticks.features and the Parquet store). */
@ConfigMapping(prefix = "cvd.features")
public interface FeaturesSettings {

    /** Run the features stage in this instance. */
    @WithDefault("true")
    boolean enabled();

    /**
     * How far back in event time the stage reads ticks.raw when it is assigned a partition that
     * already has committed progress, to rebuild its windows before it emits. The longest window is
     * 300 s; the margin covers the quote before the window (its return) and a segment gap.
     */
    @WithDefault("PT6M")
    Duration rebuildWindow();

    /** The Parquet feature store. */
    Store store();

    interface Store {

        /** Write feature rows to Parquet as well as to ticks.features. */
        @WithDefault("true")
        boolean enabled();

        /** Root folder; files go to {@code date=YYYY-MM-DD/product=ID/part-*.parquet} under it. */
        @WithDefault("data/features")
        String dir();

        /** Roll a file after this many rows. */
        @WithDefault("500000")
        long maxRows();

        /** Roll a file this long after it was opened (wall clock), so rows become readable. */
        @WithDefault("PT5M")
        Duration maxAge();
    }
}
