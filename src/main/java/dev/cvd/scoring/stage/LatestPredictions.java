package dev.cvd.scoring.stage;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest stream prediction of each product this instance scored, in memory (one entry per
 * product, so memory grows with the number of products seen, not with time). An instance sees only
 * the products of the ticks.features partitions assigned to it. Thread-safe.
 */
@ApplicationScoped
public class LatestPredictions {

    private final Map<String, Prediction> byProduct = new ConcurrentHashMap<>();

    void put(Prediction p) {
        byProduct.put(p.productId(), p);
    }

    /**
     * @return the latest prediction of a product, if it has one
     */
    public Optional<Prediction> get(String productId) {
        return Optional.ofNullable(byProduct.get(productId));
    }

    /**
     * @return the latest prediction of every product, ordered by product id
     */
    public List<Prediction> all() {
        return byProduct.values().stream()
                .sorted(Comparator.comparing(Prediction::productId))
                .toList();
    }
}
