package dev.cvd.api.live;

import dev.cvd.scoring.stage.ScoredRow;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Fans the stream predictions of this instance out to the clients of {@code /ws/predictions}, and
 * keeps the latest scored row of each product for clients that connect later.
 *
 * <p>Runs on the scoring stage's thread (a synchronous observer): it encodes a prediction once,
 * only when some client wants it, and hands it to each {@link LiveSubscriber}, which never blocks.
 * Memory: one scored row per product, plus at most {@value #MAX_WAITING} waiting and as many
 * unwritten messages per client. Thread-safe.
 *
 * <p>Metrics: {@code cvd.live.connections}, {@code cvd.live.messages.sent} and {@code
 * cvd.live.messages.coalesced} (a waiting message of a slow client dropped for a newer one).
 */
@ApplicationScoped
public class LiveFeed {

    private static final Logger LOG = Logger.getLogger(LiveFeed.class);

    /**
     * Most messages waiting per client (about 450 bytes each): more than a Kafka poll's burst of
     * predictions, so that a client that keeps up misses none.
     */
    static final int MAX_WAITING = 1024;

    private final Map<String, ScoredRow> latest = new ConcurrentHashMap<>();
    private final Map<String, LiveSubscriber> subscribers = new ConcurrentHashMap<>();
    private final Counter sent;
    private final Counter coalesced;

    public LiveFeed(MeterRegistry registry) {
        this.sent =
                Counter.builder("cvd.live.messages.sent")
                        .description("Messages written to clients of /ws/predictions")
                        .register(registry);
        this.coalesced =
                Counter.builder("cvd.live.messages.coalesced")
                        .description(
                                "Predictions not sent to a client of /ws/predictions that did not"
                                        + " keep up: dropped for newer ones")
                        .register(registry);
        Gauge.builder("cvd.live.connections", subscribers, Map::size)
                .description("Open connections of /ws/predictions")
                .strongReference(true)
                .register(registry);
    }

    void onScored(@Observes ScoredRow scored) {
        try {
            String product = scored.prediction().productId();
            latest.put(product, scored);
            String json = null;
            for (LiveSubscriber s : subscribers.values()) {
                if (s.wants(product)) {
                    if (json == null) {
                        json = LiveMessage.encode(scored);
                    }
                    s.offer(scored, json);
                }
            }
        } catch (RuntimeException e) {
            // Never into the scoring stage: a live client missing a message is the lesser harm.
            LOG.errorf("live stream: cannot publish a prediction: %s", e.toString());
        }
    }

    /**
     * Adds a client and offers it the latest prediction of each product it wants, in product order.
     *
     * @param id connection id
     * @param products the products the client wants; empty for all
     * @param send sends one text message to the client
     */
    void subscribe(String id, Set<String> products, Function<String, Uni<Void>> send) {
        LiveSubscriber s = new LiveSubscriber(id, products, send, MAX_WAITING, sent, coalesced);
        subscribers.put(id, s);
        latest.values().stream()
                .filter(r -> s.wants(r.prediction().productId()))
                .sorted(Comparator.comparing(r -> r.prediction().productId()))
                .forEach(r -> s.offerLatest(r, LiveMessage.encode(r)));
    }

    /** Removes a client; what was waiting for it is dropped. */
    void unsubscribe(String id) {
        LiveSubscriber s = subscribers.remove(id);
        if (s != null) {
            s.close();
        }
    }
}
