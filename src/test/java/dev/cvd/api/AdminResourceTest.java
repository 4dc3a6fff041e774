package dev.cvd.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cvd.scoring.stage.ScoringSettings;
import java.time.Duration;
import java.util.Optional;
import org.jboss.resteasy.reactive.RestResponse;
import org.junit.jupiter.api.Test;

/** The admin endpoint without a configured token (the Quarkus tests configure one). */
class AdminResourceTest {

    @Test
    void withoutAConfiguredTokenTheAdminEndpointIsOffForEveryone() {
        for (Optional<String> token : new Optional[] {Optional.empty(), Optional.of("  ")}) {
            AdminResource admin = new AdminResource(null, settings(token));
            for (String auth : new String[] {null, "Bearer ", "Bearer anything"}) {
                RestResponse<?> r = admin.reload(auth);
                assertThat(r.getStatus()).isEqualTo(403);
                assertThat(r.getEntity())
                        .isEqualTo(
                                new ApiError(
                                        "the admin endpoint is off: set cvd.scoring.admin-token"
                                                + " to enable it",
                                        403));
            }
        }
    }

    private static ScoringSettings settings(Optional<String> token) {
        return new ScoringSettings() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public String modelDir() {
                return "models/none";
            }

            @Override
            public Duration reloadInterval() {
                return Duration.ofSeconds(5);
            }

            @Override
            public int maxBatch() {
                return 1000;
            }

            @Override
            public Optional<String> adminToken() {
                return token;
            }
        };
    }
}
