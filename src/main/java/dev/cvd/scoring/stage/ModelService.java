package dev.cvd.scoring.stage;

import dev.cvd.features.FeatureContract;
import dev.cvd.scoring.InvalidModelException;
import dev.cvd.scoring.ModelBundle;
import dev.cvd.scoring.ModelMeta;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The model that serves predictions, loaded from the bundle folder of {@link
 * ScoringSettings#modelDir()} at start and hot-reloaded when its files change.
 *
 * <p>Loading happens off the request path (start-up, the reload poller, the admin endpoint), one
 * load at a time. A new bundle is loaded with the pure-Java evaluator and validated (a contract v1
 * bundle whose evaluator scores a probe row) before it is swapped in with one atomic reference
 * write; a bundle that fails leaves the serving model in place and is recorded as the last reload
 * failure. With no valid bundle at start the service still starts and says why it has no model.
 *
 * <p>With {@code cvd.scoring.model-uri} set, the bundle comes from a {@link BundleSource} (the
 * model registry) instead: asked at start and every {@code cvd.scoring.registry-interval}, it names
 * a local folder (a cached registry version), which is loaded through the same validated path and
 * swapped in when it is a different folder or its files changed. When the source cannot be asked,
 * the model that serves (or the last cached bundle, at start) serves on and {@link
 * #degradedReason()} says why; with nothing cached there is no model and the reason says so.
 *
 * <p>Scoring calls take a reference-counted lease on the serving model, so a model swapped out is
 * closed only after the last call that was using it returns (the pure-Java evaluator holds no
 * native memory, but a bundle backed by XGBoost4J would). Thread-safe.
 */
@Startup
@ApplicationScoped
public class ModelService {

    private static final Logger LOG = Logger.getLogger(ModelService.class);

    /** Triggers of a load, the values of the {@code trigger} tag of {@code cvd.model.reloads}. */
    public static final String STARTUP = "startup";

    public static final String POLL = "poll";
    public static final String ADMIN = "admin";

    private static final ThreadLocal<double[]> SCRATCH =
            ThreadLocal.withInitial(() -> new double[FeatureContract.SIZE]);

    private final ScoringSettings settings;
    private final MeterRegistry registry;
    private final Path directory;
    private final BundleSource source;
    private final Duration sourceInterval;
    private final AtomicReference<Served> current = new AtomicReference<>();
    private final Object loadLock = new Object();

    private volatile String noModelReason;
    private volatile ReloadFailure lastFailure;
    private volatile String seenFingerprint;
    private volatile String degraded;
    private Gauge infoGauge;
    private ScheduledExecutorService poller;

    /** A service that serves the bundle folder of {@link ScoringSettings#modelDir()}. */
    public ModelService(ScoringSettings settings, MeterRegistry registry) {
        this(settings, registry, (BundleSource) null, (Duration) null);
    }

    /**
     * A service that serves the bundle folder, or the source's bundles when {@code
     * cvd.scoring.model-uri} is set.
     */
    @Inject
    ModelService(
            ScoringSettings settings,
            MeterRegistry registry,
            ModelSourceSettings sourceSettings,
            Instance<BundleSource> sources) {
        this(
                settings,
                registry,
                sourceSettings.modelUri().isPresent() ? source(sourceSettings, sources) : null,
                sourceSettings.registryInterval());
    }

    /**
     * @param source where bundles come from, or null to serve the folder of {@link
     *     ScoringSettings#modelDir()}
     * @param sourceInterval how often the source is asked, when there is one
     */
    public ModelService(
            ScoringSettings settings,
            MeterRegistry registry,
            BundleSource source,
            Duration sourceInterval) {
        this.settings = settings;
        this.registry = registry;
        this.directory = Path.of(settings.modelDir());
        this.source = source;
        this.sourceInterval = sourceInterval;
        this.noModelReason =
                !settings.enabled()
                        ? "scoring is disabled in this instance (cvd.scoring.enabled=false)"
                        : source != null
                                ? "no model fetched yet from " + source.describe()
                                : "no model loaded yet from " + directory;
    }

    private static BundleSource source(ModelSourceSettings settings, Instance<BundleSource> all) {
        String uri = settings.modelUri().orElseThrow();
        if (all.isResolvable()) {
            return all.get();
        }
        return new BundleSource() {
            @Override
            public String describe() {
                return uri;
            }

            @Override
            public Fetch fetch() {
                return Fetch.unavailable(
                        "cvd.scoring.model-uri " + uri + ": no model registry client available");
            }
        };
    }

    @PostConstruct
    void start() {
        if (!settings.enabled()) {
            return;
        }
        for (String result : List.of("success", "failure")) {
            for (String trigger : List.of(STARTUP, POLL, ADMIN)) {
                reloads(result, trigger);
            }
        }
        ReloadOutcome first;
        if (source != null) {
            first = sync(STARTUP, true);
        } else {
            seenFingerprint = fingerprint(directory);
            first = load(STARTUP, directory, null);
        }
        if (!first.loaded() && !hasModel()) {
            LOG.warnf("serving no model: %s", first.error());
        }
        long interval =
                Math.max(
                        10,
                        (source != null ? sourceInterval : settings.reloadInterval()).toMillis());
        poller =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "cvd-model-reload");
                            t.setDaemon(true);
                            return t;
                        });
        poller.scheduleWithFixedDelay(this::poll, interval, interval, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (poller != null) {
            poller.shutdownNow();
        }
        Served old = current.getAndSet(null);
        if (old != null) {
            old.release();
        }
    }

    // ---- scoring ----

    /**
     * Scores contract v1 rows with the serving model.
     *
     * @param rows rows of {@link FeatureContract#SIZE} values in contract order, NaN where missing
     * @return their probabilities and the metadata of the model that scored them
     * @throws NoModelException when no model serves, with the reason
     */
    public Scores score(double[]... rows) throws NoModelException {
        Served served = acquire();
        if (served == null) {
            throw new NoModelException(noModelReason);
        }
        try {
            ModelBundle bundle = served.bundle;
            double[] scratch = SCRATCH.get();
            double[] out = new double[rows.length];
            long t0 = System.nanoTime();
            for (int i = 0; i < rows.length; i++) {
                out[i] = bundle.probabilityOfContractRow(rows[i], scratch);
            }
            return new Scores(bundle.meta(), out, System.nanoTime() - t0);
        } finally {
            served.release();
        }
    }

    /**
     * @return whether a model serves now
     */
    public boolean hasModel() {
        return current.get() != null;
    }

    /**
     * @return the state of model serving, for health and {@code /version}
     */
    public ModelStatus status() {
        Served s = current.get();
        return new ModelStatus(
                settings.enabled(),
                s != null
                        ? s.directory.toString()
                        : source != null ? source.describe() : directory.toString(),
                s == null ? null : s.bundle.meta(),
                s == null ? null : s.loadedAt,
                s == null ? noModelReason : null,
                lastFailure);
    }

    /**
     * @return what the model comes from when it is not the folder, {@code models:/NAME@ALIAS} for
     *     example
     */
    public Optional<String> source() {
        return source == null ? Optional.empty() : Optional.of(source.describe());
    }

    /**
     * @return what the source says the serving folder holds (the registry version), or null
     */
    public String sourceLabel() {
        Served s = current.get();
        return s == null ? null : s.label;
    }

    /**
     * @return why the serving model may be stale (the source could not be asked), or null
     */
    public String degradedReason() {
        return hasModel() ? degraded : null;
    }

    // ---- loading ----

    /**
     * Loads the bundle folder now, whether or not it changed, and swaps it in when it is valid.
     * Blocks while another load runs.
     *
     * @param trigger who asks, {@link #ADMIN} for example
     * @return the outcome: the model now serving, or the refusal (the previous model keeps serving)
     */
    public ReloadOutcome reload(String trigger) {
        if (!settings.enabled()) {
            return ReloadOutcome.failed(null, null, noModelReason);
        }
        return source != null ? sync(trigger, true) : load(trigger, directory, null);
    }

    /** Reloads when the folder changed since the last look; runs on the poller thread. */
    void poll() {
        try {
            if (source != null) {
                sync(POLL, false);
                return;
            }
            String fingerprint = fingerprint(directory);
            if (!fingerprint.equals(seenFingerprint)) {
                seenFingerprint = fingerprint;
                load(POLL, directory, null);
            }
        } catch (RuntimeException e) {
            LOG.errorf("model reload poll failed: %s", e.toString());
        }
    }

    /**
     * Asks the source and loads the folder it names when it differs from the last one seen (a new
     * folder, or changed files), or always when forced.
     */
    private ReloadOutcome sync(String trigger, boolean force) {
        synchronized (loadLock) {
            BundleSource.Fetch fetch;
            try {
                fetch = source.fetch();
            } catch (RuntimeException e) {
                fetch = BundleSource.Fetch.unavailable(source.describe() + ": " + e);
            }
            if (Thread.currentThread().isInterrupted()) {
                // Shutting down: what the source said while interrupted means nothing.
                Served s = current.get();
                ModelMeta m = s == null ? null : s.bundle.meta();
                return ReloadOutcome.failed(m, m, "interrupted");
            }
            Served before = current.get();
            ModelMeta serving = before == null ? null : before.bundle.meta();
            String wasDegraded = degraded;
            degraded = fetch.problem();
            if (fetch.problem() != null && !fetch.problem().equals(wasDegraded)) {
                LOG.warnf("model source %s: %s", source.describe(), fetch.problem());
            } else if (fetch.problem() == null && wasDegraded != null) {
                LOG.infof("model source %s answers again", source.describe());
            }
            if (fetch.directory() == null) {
                if (before == null) {
                    noModelReason = fetch.problem();
                }
                return ReloadOutcome.failed(serving, serving, fetch.problem());
            }
            String seen = fetch.directory() + "|" + fingerprint(fetch.directory());
            if (!force && seen.equals(seenFingerprint)) {
                return before != null && before.directory.equals(fetch.directory())
                        ? ReloadOutcome.loaded(serving, serving)
                        : ReloadOutcome.failed(
                                serving,
                                serving,
                                lastFailure == null ? "unchanged" : lastFailure.reason());
            }
            seenFingerprint = seen;
            return load(trigger, fetch.directory(), fetch.label());
        }
    }

    private ReloadOutcome load(String trigger, Path directory, String label) {
        synchronized (loadLock) {
            Served before = current.get();
            ModelMeta previous = before == null ? null : before.bundle.meta();
            ModelBundle bundle;
            try {
                bundle = ModelBundle.load(directory);
                validate(bundle);
            } catch (InvalidModelException e) {
                return refuse(trigger, directory, previous, e.getMessage());
            } catch (RuntimeException e) {
                // A bundle the loader did not foresee; still a refusal, never a crash.
                return refuse(trigger, directory, previous, "cannot load " + directory + ": " + e);
            }
            Served next = new Served(bundle, Instant.now(), directory, label);
            Served old = current.getAndSet(next);
            noModelReason = null;
            lastFailure = null;
            publishInfo(bundle.meta());
            if (old != null) {
                old.release();
            }
            reloads("success", trigger).increment();
            ModelMeta meta = bundle.meta();
            LOG.infof(
                    "model %s version %s serving (%s, from %s)",
                    meta.name(), meta.version(), trigger, directory);
            return ReloadOutcome.loaded(meta, previous);
        }
    }

    private ReloadOutcome refuse(
            String trigger, Path directory, ModelMeta previous, String reason) {
        lastFailure = new ReloadFailure(reason, Instant.now(), trigger);
        if (previous == null) {
            noModelReason = reason;
        }
        reloads("failure", trigger).increment();
        LOG.warnf(
                "model bundle %s refused (%s): %s%s",
                directory,
                trigger,
                reason,
                previous == null
                        ? ""
                        : "; version "
                                + previous.version()
                                + " of "
                                + previous.name()
                                + " serves on");
        return ReloadOutcome.failed(previous, previous, reason);
    }

    /** Checks what {@link ModelBundle#load} cannot: that the bundle scores contract v1 rows. */
    private static void validate(ModelBundle bundle) throws InvalidModelException {
        if (!bundle.acceptsContractRows()) {
            bundle.close();
            throw new InvalidModelException(
                    ModelMeta.FILE_NAME
                            + ": contract_version "
                            + bundle.meta().contractVersion()
                            + " cannot score feature contract v"
                            + FeatureContract.VERSION
                            + " rows");
        }
        double[] probe = new double[FeatureContract.SIZE];
        Arrays.fill(probe, Double.NaN);
        double p = bundle.probabilityOfContractRow(probe, new double[FeatureContract.SIZE]);
        if (!(p >= 0.0 && p <= 1.0)) {
            bundle.close();
            throw new InvalidModelException(
                    bundle.meta().modelFile() + ": scores a row of missing values as " + p);
        }
    }

    private void publishInfo(ModelMeta meta) {
        if (infoGauge != null) {
            registry.remove(infoGauge);
        }
        infoGauge =
                Gauge.builder("cvd.model.info", () -> 1)
                        .description("The model serving predictions (always 1; see the tags)")
                        .tags(
                                "name",
                                String.valueOf(meta.name()),
                                "version",
                                String.valueOf(meta.version()),
                                "contract",
                                Integer.toString(meta.contractVersion()))
                        .strongReference(true)
                        .register(registry);
    }

    private Counter reloads(String result, String trigger) {
        return registry.counter("cvd.model.reloads", "result", result, "trigger", trigger);
    }

    private Served acquire() {
        while (true) {
            Served s = current.get();
            if (s == null || s.tryAcquire()) {
                return s;
            }
            // Retired between the read and the lease: the reference already holds its successor.
        }
    }

    /**
     * Names, sizes, modification times and file keys of the regular files in the folder; a
     * different string means something changed.
     */
    static String fingerprint(Path dir) {
        if (!Files.isDirectory(dir)) {
            return "missing";
        }
        try (Stream<Path> files = Files.list(dir)) {
            StringBuilder sb = new StringBuilder();
            for (Path f : files.sorted().toList()) {
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(f, BasicFileAttributes.class);
                } catch (IOException e) {
                    sb.append(f.getFileName()).append(":unreadable;");
                    continue;
                }
                if (a.isRegularFile()) {
                    sb.append(f.getFileName())
                            .append(':')
                            .append(a.size())
                            .append(':')
                            .append(a.lastModifiedTime().toInstant())
                            .append(':')
                            .append(a.fileKey())
                            .append(';');
                }
            }
            return sb.toString();
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        }
    }

    /** A loaded bundle with its lease count: one for being current, one per scoring call. */
    private static final class Served {

        final ModelBundle bundle;
        final Instant loadedAt;
        final Path directory;
        final String label;
        private final AtomicInteger refs = new AtomicInteger(1);

        Served(ModelBundle bundle, Instant loadedAt, Path directory, String label) {
            this.bundle = bundle;
            this.loadedAt = loadedAt;
            this.directory = directory;
            this.label = label;
        }

        boolean tryAcquire() {
            while (true) {
                int r = refs.get();
                if (r == 0) {
                    return false;
                }
                if (refs.compareAndSet(r, r + 1)) {
                    return true;
                }
            }
        }

        void release() {
            if (refs.decrementAndGet() == 0) {
                bundle.close();
            }
        }
    }
}
