package dev.cvd.scoring.stage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cvd.cli.MlflowBundleSource;
import dev.cvd.registry.MlflowClient;
import dev.cvd.registry.MlflowConfig;
import dev.cvd.registry.MlflowServer;
import dev.cvd.registry.RegistryFixtures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry-backed bundle source: download into the cache, verification against the registry,
 * and the cached bundle when the registry cannot be reached at start.
 */
class MlflowBundleSourceTest {

    static final String MODEL = "cvd-source-test";

    static MlflowServer server;
    static MlflowClient client;

    @TempDir Path tmp;

    @BeforeAll
    static void registerOneVersion() throws Exception {
        server = MlflowServer.shared();
        client = server.client();
        RegistryFixtures.register(client, MODEL, "1", 11, 0.5, false);
    }

    @Test
    void anAliasIsResolvedDownloadedVerifiedAndCachedPerVersion() throws Exception {
        Path cache = tmp.resolve("cache");
        BundleSource.Fetch f =
                source("models:/" + MODEL + "@champion", cache, server.uri()).fetch();
        assertThat(f.problem()).isNull();
        assertThat(f.label()).isEqualTo("1");
        assertThat(f.directory()).isEqualTo(cache.resolve(MODEL).resolve("1"));
        assertThat(f.directory().resolve("model.json")).isNotEmptyFile();
        assertThat(Files.readString(cache.resolve(MODEL).resolve("@champion"))).isEqualTo("1");

        BundleSource.Fetch pinned = source("models:/" + MODEL + "/1", cache, server.uri()).fetch();
        assertThat(pinned).isEqualTo(BundleSource.Fetch.current(f.directory(), "1"));
    }

    @Test
    void aBundleThatIsNotTheRegisteredOneIsRefused() throws Exception {
        String model = "cvd-source-mismatch";
        RegistryFixtures.register(client, model, "1", 12, 0.5, false);
        client.setModelVersionTag(model, "1", "data_fingerprint", "sha256:other");
        BundleSource.Fetch f = source("models:/" + model + "@champion", tmp, server.uri()).fetch();
        assertThat(f.directory()).isNull();
        assertThat(f.problem())
                .isEqualTo(
                        "models:/"
                                + model
                                + "@champion: version 1 of "
                                + model
                                + ": model.meta.json has data_fingerprint sha256:0000, the"
                                + " registry says sha256:other");
        assertThat(tmp.resolve(model).resolve("1")).doesNotExist();
    }

    @Test
    void withTheRegistryUnreachableAtStartTheLastCachedBundleServesDegraded() throws Exception {
        Path cache = tmp.resolve("cache");
        String uri = "models:/" + MODEL + "@champion";
        assertThat(source(uri, cache, server.uri()).fetch().problem()).isNull();

        ModelService service = service(source(uri, cache, deadUri()));
        try {
            assertThat(service.hasModel()).isTrue();
            assertThat(service.status().meta().version()).isEqualTo("1");
            assertThat(service.sourceLabel()).isEqualTo("1");
            assertThat(service.status().directory())
                    .isEqualTo(cache.resolve(MODEL).resolve("1").toString());
            assertThat(service.degradedReason())
                    .startsWith("model registry unreachable, serving cached version 1 of " + uri);
            assertThat(service.score(TestBundles.row(1)).probabilities()[0]).isBetween(0.0, 1.0);
        } finally {
            stop(service);
        }
    }

    @Test
    void withTheRegistryUnreachableAndNothingCachedNoModelServesAndTheReasonSaysWhy()
            throws Exception {
        Path cache = tmp.resolve("empty");
        String uri = "models:/" + MODEL + "@champion";
        ModelService service = service(source(uri, cache, deadUri()));
        try {
            assertThat(service.hasModel()).isFalse();
            assertThat(service.status().unavailableReason())
                    .startsWith(
                            "model registry unreachable and no cached bundle of "
                                    + uri
                                    + " under "
                                    + cache.resolve(MODEL));
            assertThat(service.status().directory()).isEqualTo(uri);
        } finally {
            stop(service);
        }
    }

    private static MlflowBundleSource source(String uri, Path cache, String tracking) {
        ModelSourceSettings settings =
                new ModelSourceSettings() {
                    @Override
                    public Optional<String> modelUri() {
                        return Optional.of(uri);
                    }

                    @Override
                    public String cacheDir() {
                        return cache.toString();
                    }

                    @Override
                    public Duration registryInterval() {
                        return Duration.ofHours(1);
                    }
                };
        return new MlflowBundleSource(settings, MlflowConfig.of(tracking));
    }

    private static ModelService service(BundleSource source) throws Exception {
        ScoringSettings settings =
                new ScoringSettings() {
                    @Override
                    public boolean enabled() {
                        return true;
                    }

                    @Override
                    public String modelDir() {
                        return "unused";
                    }

                    @Override
                    public Duration reloadInterval() {
                        return Duration.ofHours(1);
                    }

                    @Override
                    public int maxBatch() {
                        return 1000;
                    }

                    @Override
                    public Optional<String> adminToken() {
                        return Optional.empty();
                    }
                };
        ModelService s =
                new ModelService(settings, new SimpleMeterRegistry(), source, Duration.ofHours(1));
        s.start();
        return s;
    }

    private static void stop(ModelService s) {
        s.stop();
    }

    private static String deadUri() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return "http://127.0.0.1:" + s.getLocalPort();
        }
    }
}
