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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
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
    private final AtomicReference<Served> current = new AtomicReference<>();
    private final Object loadLock = new Object();

    private volatile String noModelReason;
    private volatile ReloadFailure lastFailure;
    private volatile String seenFingerprint;
    private Gauge infoGauge;
    private ScheduledExecutorService poller;

    public ModelService(ScoringSettings settings, MeterRegistry registry) {
        this.settings = settings;
        this.registry = registry;
        this.directory = Path.of(settings.modelDir());
        this.noModelReason =
                settings.enabled()
                        ? "no model loaded yet from " + directory
                        : "scoring is disabled in this instance (cvd.scoring.enabled=false)";
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
        seenFingerprint = fingerprint(directory);
        ReloadOutcome first = load(STARTUP);
        if (!first.loaded()) {
            LOG.warnf("serving no model: %s", first.error());
        }
        long interval = Math.max(10, settings.reloadInterval().toMillis());
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
                directory.toString(),
                s == null ? null : s.bundle.meta(),
                s == null ? null : s.loadedAt,
                s == null ? noModelReason : null,
                lastFailure);
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
        return load(trigger);
    }

    /** Reloads when the folder changed since the last look; runs on the poller thread. */
    void poll() {
        try {
            String fingerprint = fingerprint(directory);
            if (!fingerprint.equals(seenFingerprint)) {
                seenFingerprint = fingerprint;
                load(POLL);
            }
        } catch (RuntimeException e) {
            LOG.errorf("model reload poll failed: %s", e.toString());
        }
    }

    private ReloadOutcome load(String trigger) {
        synchronized (loadLock) {
            Served before = current.get();
            ModelMeta previous = before == null ? null : before.bundle.meta();
            ModelBundle bundle;
            try {
                bundle = ModelBundle.load(directory);
                validate(bundle);
            } catch (InvalidModelException e) {
                return refuse(trigger, previous, e.getMessage());
            } catch (RuntimeException e) {
                // A bundle the loader did not foresee; still a refusal, never a crash.
                return refuse(trigger, previous, "cannot load " + directory + ": " + e);
            }
            Served next = new Served(bundle, Instant.now());
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

    private ReloadOutcome refuse(String trigger, ModelMeta previous, String reason) {
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
        private final AtomicInteger refs = new AtomicInteger(1);

        Served(ModelBundle bundle, Instant loadedAt) {
            this.bundle = bundle;
            this.loadedAt = loadedAt;
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
