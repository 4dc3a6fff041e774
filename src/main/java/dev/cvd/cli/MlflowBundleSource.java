package dev.cvd.cli;

import dev.cvd.registry.MlflowClient;
import dev.cvd.registry.MlflowConfig;
import dev.cvd.registry.MlflowException;
import dev.cvd.registry.ModelUri;
import dev.cvd.registry.ModelVersion;
import dev.cvd.scoring.InvalidModelException;
import dev.cvd.scoring.ModelBundle;
import dev.cvd.scoring.ModelMeta;
import dev.cvd.scoring.stage.BundleSource;
import dev.cvd.scoring.stage.ModelSourceSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Serves {@code cvd.scoring.model-uri} ({@code models:/NAME@ALIAS} or {@code models:/NAME/VERSION})
 * from the MLflow model registry: resolves the version, downloads its bundle through the tracking
 * server's artifact proxy into {@code <cache-dir>/NAME/VERSION} (into a staging folder first, moved
 * in once complete and verified), and checks the bundle against the registry: it must load, and the
 * data fingerprint, contract version, name and version in {@code model.meta.json} must be the ones
 * the version was registered with (its tags). A version already cached is not downloaded again
 * (registry versions are immutable).
 *
 * <p>The version an alias named last is remembered in {@code <cache-dir>/NAME/@ALIAS}, so that with
 * the registry unreachable at start the last bundle fetched serves. This adapter lives here because
 * scoring may not use the registry module; scoring owns the {@link BundleSource} interface.
 */
@ApplicationScoped
public class MlflowBundleSource implements BundleSource {

    private final ModelSourceSettings settings;
    private volatile MlflowClient client;

    /** The service's source: the tracking server from configuration or the environment. */
    @Inject
    public MlflowBundleSource(ModelSourceSettings settings) {
        this(settings, null);
    }

    /**
     * @param config the tracking server, or null to take it from configuration or the environment
     *     at the first fetch
     */
    public MlflowBundleSource(ModelSourceSettings settings, MlflowConfig config) {
        this.settings = settings;
        this.client = config == null ? null : newClient(config);
    }

    private static MlflowClient newClient(MlflowConfig config) {
        return new MlflowClient(config, Duration.ofSeconds(5), Duration.ofSeconds(60));
    }

    @Override
    public String describe() {
        return settings.modelUri().orElse("(no cvd.scoring.model-uri)");
    }

    @Override
    public Fetch fetch() {
        ModelUri uri;
        try {
            uri = ModelUri.parse(describe());
        } catch (IllegalArgumentException e) {
            return Fetch.unavailable("cvd.scoring.model-uri: " + e.getMessage());
        }
        MlflowClient mlflow;
        try {
            mlflow = client();
        } catch (IllegalArgumentException e) {
            return Fetch.unavailable(e.getMessage());
        }
        Path root = Path.of(settings.cacheDir()).resolve(uri.name());
        try {
            ModelVersion v =
                    uri.isAlias()
                            ? mlflow.getModelVersionByAlias(uri.name(), uri.alias())
                                    .orElseThrow(
                                            () ->
                                                    new MlflowException(
                                                            404,
                                                            "RESOURCE_DOES_NOT_EXIST",
                                                            "registered model "
                                                                    + uri.name()
                                                                    + " has no alias "
                                                                    + uri.alias(),
                                                            null))
                            : mlflow.getModelVersion(uri.name(), uri.version());
            Path dir = cached(mlflow, root, v);
            if (uri.isAlias()) {
                Files.writeString(
                        root.resolve("@" + uri.alias()), v.version(), StandardCharsets.UTF_8);
            }
            return Fetch.current(dir, v.version());
        } catch (MlflowException e) {
            if (!e.unavailable()) {
                return Fetch.unavailable(uri + ": " + e.getMessage());
            }
            Optional<String> version = lastVersion(root, uri);
            if (version.isPresent()
                    && Files.isRegularFile(
                            root.resolve(version.get()).resolve(ModelMeta.FILE_NAME))) {
                return Fetch.cached(
                        root.resolve(version.get()),
                        version.get(),
                        "model registry unreachable, serving cached version "
                                + version.get()
                                + " of "
                                + uri
                                + ": "
                                + e.getMessage());
            }
            return Fetch.unavailable(
                    "model registry unreachable and no cached bundle of "
                            + uri
                            + " under "
                            + root
                            + ": "
                            + e.getMessage());
        } catch (IOException | InvalidModelException e) {
            return Fetch.unavailable(uri + ": " + e.getMessage());
        }
    }

    private MlflowClient client() {
        MlflowClient c = client;
        if (c == null) {
            MlflowConfig config =
                    MlflowConnection.resolve(null)
                            .orElseThrow(
                                    () ->
                                            new IllegalArgumentException(
                                                    "cvd.scoring.model-uri "
                                                            + describe()
                                                            + " needs an MLflow tracking server:"
                                                            + " set cvd.mlflow.tracking-uri or"
                                                            + " MLFLOW_TRACKING_URI"));
            c = newClient(config);
            client = c;
        }
        return c;
    }

    private static Optional<String> lastVersion(Path root, ModelUri uri) {
        if (!uri.isAlias()) {
            return Optional.of(uri.version());
        }
        try {
            return Optional.of(
                            Files.readString(
                                            root.resolve("@" + uri.alias()), StandardCharsets.UTF_8)
                                    .trim())
                    .filter(s -> s.matches("[0-9]+"));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The verified cache folder of a version, downloaded when it is not there yet. */
    private static Path cached(MlflowClient mlflow, Path root, ModelVersion v)
            throws IOException, InvalidModelException {
        Path dir = root.resolve(v.version());
        if (Files.isRegularFile(dir.resolve(ModelMeta.FILE_NAME))) {
            try {
                verify(dir, v);
                return dir;
            } catch (IOException | InvalidModelException e) {
                // A damaged cache entry: fetch it again.
                deleteTree(dir);
            }
        }
        Files.createDirectories(root);
        Path staging = Files.createTempDirectory(root, ".download-" + v.version() + "-");
        try {
            int files = mlflow.downloadDirectory(v.source(), staging);
            if (files == 0) {
                throw new IOException(
                        "version " + v.version() + ": no files at its source " + v.source());
            }
            verify(staging, v);
            try {
                Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                // Fetched meanwhile by another instance sharing the cache.
                deleteTree(staging);
            }
            return dir;
        } catch (IOException | InvalidModelException | RuntimeException e) {
            deleteTree(staging);
            throw e;
        }
    }

    /** The bundle loads and is the one the version was registered with. */
    static void verify(Path dir, ModelVersion v) throws IOException, InvalidModelException {
        try (ModelBundle bundle = ModelBundle.load(dir)) {
            ModelMeta meta = bundle.meta();
            check(v, "data_fingerprint", meta.dataFingerprint());
            check(v, "contract_version", Integer.toString(meta.contractVersion()));
            check(v, "bundle_name", meta.name());
            check(v, "bundle_version", meta.version());
        }
    }

    private static void check(ModelVersion v, String tag, String actual)
            throws InvalidModelException {
        String expected = v.tags().get(tag);
        if (expected != null && !expected.equals(actual)) {
            throw new InvalidModelException(
                    String.format(
                            "version %s of %s: %s has %s %s, the registry says %s",
                            v.version(), v.name(), ModelMeta.FILE_NAME, tag, actual, expected));
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // Left behind; a later fetch uses a new staging folder.
        }
    }
}
