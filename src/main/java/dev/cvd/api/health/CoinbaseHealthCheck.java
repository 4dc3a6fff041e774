package dev.cvd.api.health;

import dev.cvd.ingest.live.CoinbaseSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * The live Coinbase source: UP while it is not running (another source feeds ingest) or while
 * frames arrive on an open connection; DOWN while it runs without a connection or with no frame for
 * longer than its watchdog (it is reconnecting).
 */
@Readiness
@ApplicationScoped
public class CoinbaseHealthCheck implements HealthCheck {

    private final CoinbaseSource source;

    public CoinbaseHealthCheck(CoinbaseSource source) {
        this.source = source;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("coinbase");
        if (!source.running()) {
            return response.withData("state", "not running").up().build();
        }
        response.withData("state", source.state().name().toLowerCase(Locale.ROOT))
                .withData("connected", source.connected())
                .withData("products", String.join(",", source.products()))
                .withData(
                        "subscriptions",
                        String.join(",", new java.util.TreeSet<>(source.subscriptions().keySet())))
                .withData("reconnects", source.reconnects())
                .withData("sequence_gaps", source.gaps())
                .withData("resyncs", source.resyncs())
                .withData("dead_lettered", source.deadLettered());
        for (Map.Entry<String, Double> age : source.messageAges().entrySet()) {
            response.withData(
                    "last_" + age.getKey() + "_s",
                    String.format(Locale.ROOT, "%.3f", age.getValue()));
        }
        double silent = source.lastFrameAgeSeconds();
        boolean fresh = !Double.isNaN(silent) && silent * 1e3 <= source.watchdogLimit().toMillis();
        return source.connected() && fresh ? response.up().build() : response.down().build();
    }
}
