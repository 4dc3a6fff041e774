package dev.cvd.api.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cvd.features.FeatureContract;
import dev.cvd.features.FeatureRow;
import dev.cvd.scoring.stage.Prediction;
import dev.cvd.scoring.stage.ScoredRow;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * What a client of the live stream is sent, when its connection keeps up and when it does not:
 * batches of everything waiting, and at most a fixed number of waiting messages.
 */
class LiveSubscriberTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Counter sent = registry.counter("sent");
    private final Counter coalesced = registry.counter("coalesced");

    /** A connection whose writes complete when the test says so. */
    private static final class SlowConnection implements Function<String, Uni<Void>> {
        final List<String> written = new ArrayList<>();
        final Deque<UniEmitter<? super Void>> unwritten = new ArrayDeque<>();

        @Override
        public Uni<Void> apply(String message) {
            return Uni.createFrom()
                    .emitter(
                            e -> {
                                written.add(message);
                                unwritten.add(e);
                            });
        }

        void completeAll() {
            while (!unwritten.isEmpty()) {
                unwritten.remove().complete(null);
            }
        }
    }

    @Test
    void aBurstWhileAWriteIsPendingGoesOutWholeAsTheNextBatch() {
        SlowConnection connection = new SlowConnection();
        LiveSubscriber s = subscriber(Set.of(), connection, 1024);

        offer(s, "BTC-USD", 0);
        for (int i = 1; i <= 1000; i++) {
            offer(s, i % 3 == 0 ? "ETH-USD" : "BTC-USD", i);
        }
        assertThat(connection.written).as("one write pending").containsExactly("BTC-USD@0");
        assertThat(s.waiting()).isEqualTo(1000);

        connection.completeAll();
        assertThat(connection.written).hasSize(1001);
        assertThat(connection.written.subList(1, 1001))
                .containsExactlyElementsOf(
                        IntStream.rangeClosed(1, 1000)
                                .mapToObj(i -> (i % 3 == 0 ? "ETH-USD" : "BTC-USD") + "@" + i)
                                .toList());
        assertThat(s.waiting()).isZero();
        connection.completeAll();
        assertThat(sent.count()).isEqualTo(1001);
        assertThat(coalesced.count()).isZero();
    }

    @Test
    void aClientThatDoesNotKeepUpGetsTheNewestOfEachProductFromABoundedQueue() {
        SlowConnection connection = new SlowConnection();
        LiveSubscriber s = subscriber(Set.of(), connection, 4);

        offer(s, "BTC-USD", 1);
        offer(s, "BTC-USD", 2);
        offer(s, "ETH-USD", 1);
        offer(s, "BTC-USD", 3);
        offer(s, "BTC-USD", 4);
        assertThat(s.waiting()).isEqualTo(4);
        offer(s, "BTC-USD", 5); // full: BTC-USD@2 makes room
        offer(s, "ETH-USD", 2); // full: ETH-USD@1 makes room
        offer(s, "SOL-USD", 1); // full, no SOL-USD waiting: the oldest (BTC-USD@3) makes room
        assertThat(coalesced.count()).isEqualTo(3);
        assertThat(s.waiting()).isEqualTo(4);

        connection.completeAll();
        assertThat(connection.written)
                .containsExactly("BTC-USD@1", "BTC-USD@4", "BTC-USD@5", "ETH-USD@2", "SOL-USD@1");

        // However much arrives while a write hangs, the queue stays at its capacity.
        for (int i = 0; i < 10_000; i++) {
            offer(s, "P" + (i % 40), 10 + i);
        }
        assertThat(connection.written).hasSize(6).endsWith("P0@10");
        assertThat(s.waiting()).isEqualTo(4);
        connection.completeAll();
        assertThat(connection.written.subList(6, connection.written.size()))
                .containsExactly("P36@10006", "P37@10007", "P38@10008", "P39@10009");
    }

    @Test
    void writesThatCompleteAtOnceKeepTheStackFlat() {
        List<String> written = new ArrayList<>();
        LiveSubscriber[] self = new LiveSubscriber[1];
        // Each write completes on the spot and, while it is being written, the next prediction
        // arrives on the same thread: 50,000 batches of one message, one after the other.
        Function<String, Uni<Void>> connection =
                m -> {
                    written.add(m);
                    if (written.size() < 50_000) {
                        offer(self[0], "BTC-USD", written.size());
                    }
                    return Uni.createFrom().voidItem();
                };
        self[0] = subscriber(Set.of(), connection, 16);
        offer(self[0], "BTC-USD", 0);

        assertThat(written).hasSize(50_000);
        assertThat(written.get(49_999)).isEqualTo("BTC-USD@49999");
        assertThat(sent.count()).isEqualTo(50_000);
        assertThat(self[0].waiting()).isZero();
    }

    @Test
    void theLatestOnConnectNeverOvertakesAPredictionOfTheStream() {
        SlowConnection connection = new SlowConnection();
        LiveSubscriber s = subscriber(Set.of(), connection, 16);
        offer(s, "BTC-USD", 7);
        s.offerLatest(scored("BTC-USD", 6), "BTC-USD@6 (latest)");
        s.offerLatest(scored("ETH-USD", 3), "ETH-USD@3 (latest)");
        connection.completeAll();
        assertThat(connection.written).containsExactly("BTC-USD@7", "ETH-USD@3 (latest)");
    }

    @Test
    void aFailedWriteClosesTheSubscriberAndDropsWhatWaits() {
        SlowConnection connection = new SlowConnection();
        LiveSubscriber s = subscriber(Set.of(), connection, 16);
        offer(s, "BTC-USD", 1);
        offer(s, "ETH-USD", 1);
        connection.unwritten.remove().fail(new IllegalStateException("connection closed"));
        assertThat(s.isClosed()).isTrue();
        assertThat(s.waiting()).isZero();
        offer(s, "BTC-USD", 2);
        assertThat(connection.written).containsExactly("BTC-USD@1");
        assertThat(sent.count()).isZero();
    }

    @Test
    void aClientWantsTheProductsItNamedOrAllWhenItNamedNone() {
        SlowConnection connection = new SlowConnection();
        assertThat(subscriber(Set.of(), connection, 1).wants("ANY-USD")).isTrue();
        LiveSubscriber some = subscriber(Set.of("BTC-USD", "ETH-USD"), connection, 1);
        assertThat(some.wants("ETH-USD")).isTrue();
        assertThat(some.wants("SOL-USD")).isFalse();
    }

    private LiveSubscriber subscriber(
            Set<String> products, Function<String, Uni<Void>> send, int capacity) {
        return new LiveSubscriber("test", products, send, capacity, sent, coalesced);
    }

    private static void offer(LiveSubscriber s, String product, long time) {
        s.offer(scored(product, time), product + "@" + time);
    }

    private static ScoredRow scored(String product, long time) {
        double[] values = new double[FeatureContract.SIZE];
        Arrays.fill(values, Double.NaN);
        return new ScoredRow(
                Prediction.of(product, time, 0.5, 0.3, "1", "m"),
                new FeatureRow(product, time, values),
                100.0);
    }
}
