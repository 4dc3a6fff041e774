package dev.cvd.api.health;

import dev.cvd.kafka.KafkaPlatform;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** UP when the Kafka cluster answers a metadata request within two seconds. */
@Readiness
@ApplicationScoped
public class BrokerHealthCheck implements HealthCheck {

    private final KafkaPlatform kafka;

    public BrokerHealthCheck(KafkaPlatform kafka) {
        this.kafka = kafka;
    }

    @Override
    public HealthCheckResponse call() {
        var response =
                HealthCheckResponse.named("broker")
                        .withData("bootstrap_servers", kafka.bootstrapServers())
                        .withData("embedded", kafka.isEmbedded());
        try {
            int nodes = kafka.describeCluster(Duration.ofSeconds(2));
            return response.withData("brokers", nodes).up().build();
        } catch (Exception e) {
            String reason = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            return response.withData("reason", "cluster did not answer: " + reason).down().build();
        }
    }
}
