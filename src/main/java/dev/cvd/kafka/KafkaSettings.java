package dev.cvd.kafka;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** Kafka platform settings of cvd: the embedded broker and topic creation. */
@ConfigMapping(prefix = "cvd.kafka")
public interface KafkaSettings {

    /** The embedded single-node broker, used when no {@code kafka.bootstrap.servers} is set. */
    Embedded embedded();

    /**
     * Create the cvd topics at start when they are missing (on the embedded broker and on an
     * external cluster alike).
     */
    @WithDefault("true")
    boolean createTopics();

    /** Partitions of each cvd topic created at start. */
    @WithDefault("3")
    int partitions();

    /** Replication factor of each cvd topic created at start. */
    @WithDefault("1")
    short replicationFactor();

    interface Embedded {

        /**
         * Start the embedded broker. Unset: start it exactly when {@code kafka.bootstrap.servers}
         * is not configured.
         */
        Optional<Boolean> enabled();

        /**
         * Client port on localhost; the channels connect to it when {@code kafka.bootstrap.servers}
         * is not set.
         */
        @WithDefault("9092")
        int port();

        /** Log directory of the embedded broker. */
        @WithDefault("data/kafka")
        String dir();

        /**
         * Wipe the log directory at start, so every start is a fresh cluster (the default: the
         * bundled replay starts over each time). False keeps topics and committed offsets across
         * restarts.
         */
        @WithDefault("true")
        boolean cleanStart();

        /**
         * Bytes each partition of a derived topic ({@code ticks.features}, {@code
         * ticks.predictions}) keeps when the embedded broker's topics are created (2 GiB): past
         * them its oldest segments, of 64 MiB, are deleted; 0 or less keeps everything. A consumer
         * of those topics further behind loses the rows in between and resumes at the oldest kept.
         * {@code ticks.raw}, from which every row can be made again, and {@code ticks.dlq} keep
         * everything.
         */
        @WithDefault("2147483648")
        long derivedRetentionBytes();
    }
}
