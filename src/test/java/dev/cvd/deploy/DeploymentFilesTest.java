package dev.cvd.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cvd.kafka.KafkaSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The deployment files under {@code docker/} hold together: every file they name exists, host ports
 * are unique, every service is health-checked, every cvd environment variable is a real
 * configuration key, and the Grafana, Prometheus and image wiring points where it should. The
 * metric names of the dashboard are checked against a real scrape in {@link DashboardMetricsTest}.
 */
class DeploymentFilesTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path DOCKER = ROOT.resolve("docker");
    private static final Path COMPOSE = DOCKER.resolve("compose.yaml");

    /**
     * Read by cvd itself rather than declared as a cvd key (KafkaPlatform, the Kafka connector).
     */
    private static final Set<String> EXTRA_KEYS = Set.of("kafka.bootstrap.servers");

    private static JsonNode compose;

    @BeforeAll
    static void parseCompose() throws IOException {
        compose = new YAMLMapper().readTree(COMPOSE.toFile());
    }

    @Test
    void composeHasTheWholeStack() {
        assertThat(names(compose.path("services")))
                .containsExactlyInAnyOrder("kafka", "mlflow", "cvd", "prometheus", "grafana");
        JsonNode kafka = compose.path("services").path("kafka");
        assertThat(kafka.path("image").asText()).startsWith("apache/kafka:");
        assertThat(kafka.path("environment").path("KAFKA_PROCESS_ROLES").asText())
                .isEqualTo("broker,controller");
        assertThat(kafka.path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText())
                .contains("PLAINTEXT://kafka:9092");
        assertThat(compose.path("services").path("mlflow").path("command").toString())
                .contains("server");
    }

    @Test
    void everyFileComposeNamesExists() {
        List<String> missing = new ArrayList<>();
        forEachService(
                (name, service) -> {
                    JsonNode build = service.path("build");
                    if (!build.isMissingNode()) {
                        Path context =
                                COMPOSE.getParent()
                                        .resolve(
                                                build.isTextual()
                                                        ? build.asText()
                                                        : build.path("context").asText("."))
                                        .normalize();
                        check(missing, name + " build context", context);
                        check(
                                missing,
                                name + " dockerfile",
                                context.resolve(build.path("dockerfile").asText("Dockerfile")));
                    }
                    for (JsonNode volume : service.path("volumes")) {
                        String source =
                                volume.isTextual()
                                        ? volume.asText().split(":")[0]
                                        : volume.path("source").asText();
                        if (source.startsWith(".") || source.startsWith("/")) {
                            check(
                                    missing,
                                    name + " volume",
                                    COMPOSE.getParent().resolve(source).normalize());
                        } else if (!compose.path("volumes").has(source)) {
                            missing.add(name + " named volume not declared: " + source);
                        }
                    }
                    for (String dependency : dependsOn(service)) {
                        if (!compose.path("services").has(dependency)) {
                            missing.add(name + " depends on unknown service " + dependency);
                        }
                    }
                });
        assertThat(missing).isEmpty();
    }

    @Test
    void hostPortsAreUnique() {
        Map<String, String> owners = new HashMap<>();
        List<String> clashes = new ArrayList<>();
        forEachService(
                (name, service) -> {
                    for (JsonNode port : service.path("ports")) {
                        String host = hostPort(port);
                        String previous = owners.putIfAbsent(host, name);
                        if (previous != null) {
                            clashes.add(host + ": " + previous + " and " + name);
                        }
                    }
                });
        assertThat(clashes).isEmpty();
        assertThat(owners).containsKeys("8080", "9090", "3000", "5000", "29092");
    }

    @Test
    void everyServiceHasAHealthCheck() {
        List<String> unchecked = new ArrayList<>();
        forEachService(
                (name, service) -> {
                    JsonNode hc = service.path("healthcheck");
                    if (hc.path("disable").asBoolean(false)
                            || !hc.path("test").isArray()
                            || hc.path("test").size() < 2
                            || hc.path("test").get(0).asText().equals("NONE")) {
                        unchecked.add(name);
                    }
                });
        assertThat(unchecked).isEmpty();
    }

    @Test
    void cvdEnvironmentVariablesNameRealConfigurationKeys() throws Exception {
        JsonNode cvd = compose.path("services").path("cvd");
        Map<String, String> byEnvName = new HashMap<>();
        for (String key : declaredKeys()) {
            byEnvName.put(envName(key), key);
        }
        List<String> unknown = new ArrayList<>();
        for (String env : names(cvd.path("environment"))) {
            if (!byEnvName.containsKey(env)) {
                unknown.add(env);
            }
        }
        assertThat(unknown).as("environment variables that name no configuration key").isEmpty();
        assertThat(names(cvd.path("environment")))
                .contains("KAFKA_BOOTSTRAP_SERVERS", "CVD_INGEST_SPEED", "CVD_SCORING_MODEL_DIR");
        assertThat(cvd.path("environment").path("KAFKA_BOOTSTRAP_SERVERS").asText())
                .isEqualTo("kafka:9092");
        assertThat(cvd.path("command").asText()).isEqualTo("serve");
    }

    @Test
    void theKeyScanFindsTheSettingsOfEveryModule() throws Exception {
        assertThat(declaredKeys())
                .contains(
                        "cvd.kafka.embedded.port",
                        "cvd.kafka.replication-factor",
                        "cvd.ingest.speed",
                        "cvd.ingest.max-in-flight",
                        "cvd.features.enabled",
                        "cvd.scoring.model-dir",
                        "quarkus.http.port")
                .doesNotContain("cvd.scoring.no-such-key");
        assertThat(envName("cvd.scoring.model-dir")).isEqualTo("CVD_SCORING_MODEL_DIR");
        assertThat(envName("quarkus.log.category.\"dev.cvd\".level"))
                .isEqualTo("QUARKUS_LOG_CATEGORY__DEV_CVD__LEVEL");
    }

    @Test
    void volumeMountsPointAtWhatTheApplicationReads() throws IOException {
        JsonNode cvd = compose.path("services").path("cvd");
        String modelDir = cvd.path("environment").path("CVD_SCORING_MODEL_DIR").asText();
        Path hostModel = hostPath(cvd, modelDir);
        assertThat(hostModel).as("model bundle mounted at " + modelDir).isNotNull();
        assertThat(hostModel.resolve("model.meta.json")).isRegularFile();
    }

    @Test
    void prometheusScrapesCvdMetricsPath() throws IOException {
        JsonNode prometheus = compose.path("services").path("prometheus");
        Path config = hostPath(prometheus, "/etc/prometheus/prometheus.yml");
        assertThat(config).isNotNull().isRegularFile();
        JsonNode scrape = new YAMLMapper().readTree(config.toFile()).path("scrape_configs");
        JsonNode job = null;
        for (JsonNode j : scrape) {
            if (j.path("job_name").asText().equals("cvd")) {
                job = j;
            }
        }
        assertThat(job).as("a scrape job named cvd").isNotNull();
        assertThat(job.path("metrics_path").asText())
                .isEqualTo(
                        applicationProperties().get("quarkus.micrometer.export.prometheus.path"));
        String target = job.path("static_configs").get(0).path("targets").get(0).asText();
        String cvdPort =
                compose.path("services")
                        .path("cvd")
                        .path("environment")
                        .path("QUARKUS_HTTP_PORT")
                        .asText(applicationProperties().get("quarkus.http.port"));
        assertThat(target).isEqualTo("cvd:" + cvdPort);
    }

    @Test
    void grafanaProvisionsTheDatasourceAndDashboardItsPanelsUse() throws IOException {
        JsonNode grafana = compose.path("services").path("grafana");
        Path datasources =
                hostPath(grafana, "/etc/grafana/provisioning/datasources/prometheus.yml");
        Path providers = hostPath(grafana, "/etc/grafana/provisioning/dashboards/cvd.yml");
        assertThat(datasources).isNotNull().isRegularFile();
        assertThat(providers).isNotNull().isRegularFile();

        JsonNode ds = new YAMLMapper().readTree(datasources.toFile()).path("datasources").get(0);
        assertThat(ds.path("type").asText()).isEqualTo("prometheus");
        assertThat(ds.path("url").asText()).isEqualTo("http://prometheus:9090");
        assertThat(compose.path("services").has("prometheus")).isTrue();

        String dashboards =
                new YAMLMapper()
                        .readTree(providers.toFile())
                        .path("providers")
                        .get(0)
                        .path("options")
                        .path("path")
                        .asText();
        Path hostDashboards = hostPath(grafana, dashboards);
        assertThat(hostDashboards).as("dashboards folder mounted at " + dashboards).isNotNull();
        assertThat(hostDashboards.resolve("cvd.json"))
                .isEqualTo(ROOT.resolve(DashboardQueries.DASHBOARD));

        JsonNode dashboard =
                new ObjectMapper().readTree(ROOT.resolve(DashboardQueries.DASHBOARD).toFile());
        List<String> wrongSource = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode node : List.of(panel, panel.path("targets"))) {
                Iterator<JsonNode> it = node.isArray() ? node.elements() : List.of(node).iterator();
                while (it.hasNext()) {
                    String uid = it.next().path("datasource").path("uid").asText();
                    if (!uid.equals(ds.path("uid").asText())) {
                        wrongSource.add(panel.path("title").asText() + ": " + uid);
                    }
                }
            }
        }
        assertThat(wrongSource).isEmpty();
    }

    @Test
    void dashboardShowsTheOperationalMetrics() throws IOException {
        assertThat(DashboardQueries.metricNames(ROOT.resolve(DashboardQueries.DASHBOARD)))
                .containsExactlyInAnyOrder(
                        "cvd_events_in_total",
                        "cvd_events_out_total",
                        "cvd_events_rejected_total",
                        "kafka_consumer_fetch_manager_records_lag_max",
                        "cvd_last_event_age_seconds",
                        "cvd_predictions_total",
                        "cvd_predict_latency_seconds_bucket",
                        "cvd_model_info",
                        "cvd_model_reloads_total");
    }

    @Test
    void metricNamesAreReadOutOfPromQl() {
        assertThat(
                        DashboardQueries.metricNames(
                                "histogram_quantile(0.99, sum by (le, kind)"
                                        + " (rate(cvd_predict_latency_seconds_bucket{kind=\"single\"}[5m])))"))
                .containsExactly("cvd_predict_latency_seconds_bucket");
        assertThat(
                        DashboardQueries.metricNames(
                                "sum without (instance) (rate(a_total{outcome=\"spike\"}[5m]"
                                        + " offset 1h)) / on (job) group_left (x) b_info > bool 1e3"))
                .containsExactly("a_total", "b_info");
    }

    @Test
    void jvmImageBuildsThePackageAndServesAsNonRootWithAHealthCheck() throws IOException {
        List<Instruction> jvm = Instruction.parse(DOCKER.resolve("Dockerfile.jvm"));
        assertThat(from(jvm)).hasSize(2);
        assertThat(from(jvm).get(0)).contains("17").contains("jdk");
        assertThat(from(jvm).get(1)).contains("17").contains("jre");
        assertThat(args(jvm, "RUN")).anyMatch(r -> r.contains("./mvnw") && r.contains(" package"));
        assertThat(args(jvm, "COPY")).anyMatch(c -> c.contains("target/quarkus-app"));
        String user = last(jvm, "USER");
        assertThat(user).isNotBlank().isNotIn("root", "0");
        assertThat(last(jvm, "HEALTHCHECK")).contains("/health");
        assertThat(last(jvm, "ENTRYPOINT")).contains("\"java\"").contains("quarkus-run.jar");
        assertThat(last(jvm, "CMD")).isEqualTo("[\"serve\"]");
        assertCopySourcesExist(jvm);
    }

    @Test
    void nativeImageBuildsWithMandrelAndTheNativeProfile() throws IOException {
        List<Instruction> nat = Instruction.parse(DOCKER.resolve("Dockerfile.native"));
        assertThat(from(nat).get(0))
                .startsWith("quay.io/quarkus/ubi9-quarkus-mandrel-builder-image");
        assertThat(from(nat).get(from(nat).size() - 1))
                .startsWith("quay.io/quarkus/ubi9-quarkus-micro-image");
        assertThat(args(nat, "RUN")).anyMatch(r -> r.contains("./mvnw") && r.contains("-Pnative"));
        assertThat(Files.readString(ROOT.resolve("pom.xml"))).contains("<id>native</id>");
        assertThat(last(nat, "USER")).isNotBlank().isNotIn("root", "0");
        assertCopySourcesExist(nat);
    }

    @Test
    void dockerignoreKeepsWhatTheImagesCopy() throws IOException {
        List<String> ignored =
                Files.readAllLines(ROOT.resolve(".dockerignore")).stream()
                        .map(String::strip)
                        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                        .toList();
        assertThat(ignored).contains("target/", ".git/");
        for (String kept : List.of("src/", "pom.xml", "mvnw", ".mvn/", "models/", "replay/")) {
            assertThat(ignored).as(kept + " is copied into the images").doesNotContain(kept);
        }
    }

    // ----------------------------------------------------------------------------------------

    /** Every configuration key cvd declares: application.properties and @ConfigMapping methods. */
    static Set<String> declaredKeys() throws IOException, URISyntaxException {
        Set<String> keys = new TreeSet<>(EXTRA_KEYS);
        for (String key : applicationProperties().keySet()) {
            keys.add(key.startsWith("%") ? key.substring(key.indexOf('.') + 1) : key);
        }
        Path classes =
                Path.of(
                        KafkaSettings.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI());
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name =
                        classes.relativize(file).toString().replace('/', '.').replace('\\', '.');
                name = name.substring(0, name.length() - ".class".length());
                if (name.contains("$") || !name.startsWith("dev.cvd.")) {
                    continue;
                }
                Class<?> type;
                try {
                    type = Class.forName(name, false, DeploymentFilesTest.class.getClassLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    continue;
                }
                ConfigMapping mapping = type.getAnnotation(ConfigMapping.class);
                if (mapping != null) {
                    mappingKeys(mapping.prefix(), type, keys);
                }
            }
        }
        return keys;
    }

    private static void mappingKeys(String prefix, Class<?> type, Set<String> keys) {
        for (Method m : type.getMethods()) {
            if (m.getParameterCount() > 0 || m.isDefault() || Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            String key;
            if (m.isAnnotationPresent(WithParentName.class)) {
                key = prefix;
            } else {
                WithName name = m.getAnnotation(WithName.class);
                key = prefix + "." + (name != null ? name.value() : kebab(m.getName()));
            }
            Class<?> group = groupType(m);
            if (group != null) {
                mappingKeys(key, group, keys);
            } else {
                keys.add(key);
            }
        }
    }

    /** The nested configuration group a method returns (directly or in an Optional), if any. */
    private static Class<?> groupType(Method m) {
        Type t = m.getGenericReturnType();
        if (m.getReturnType() == Optional.class && t instanceof ParameterizedType p) {
            t = p.getActualTypeArguments()[0];
        }
        if (t instanceof Class<?> c
                && c.isInterface()
                && !c.getName().startsWith("java.")
                && c.getDeclaringClass() != null) {
            return c;
        }
        return null;
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** The MicroProfile Config environment-variable form of a property name. */
    static String envName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    private static Map<String, String> applicationProperties() {
        Properties p = new Properties();
        try (InputStream in =
                Files.newInputStream(ROOT.resolve("src/main/resources/application.properties"))) {
            p.load(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        p.forEach((k, v) -> out.put((String) k, (String) v));
        return out;
    }

    private interface ServiceVisitor {
        void visit(String name, JsonNode service);
    }

    private static void forEachService(ServiceVisitor visitor) {
        compose.path("services")
                .fields()
                .forEachRemaining(e -> visitor.visit(e.getKey(), e.getValue()));
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        if (object.isArray()) { // KEY=VALUE list form
            object.forEach(n -> names.add(n.asText().split("=", 2)[0]));
        } else {
            object.fieldNames().forEachRemaining(names::add);
        }
        return names;
    }

    private static List<String> dependsOn(JsonNode service) {
        return names(service.path("depends_on"));
    }

    private static String hostPort(JsonNode port) {
        if (port.isObject()) {
            return port.path("published").asText();
        }
        String[] parts = port.asText().split("/")[0].split(":");
        return parts.length >= 2 ? parts[parts.length - 2] : parts[0];
    }

    /** The host path of a bind mount of the service that covers the container path. */
    private static Path hostPath(JsonNode service, String containerPath) {
        for (JsonNode volume : service.path("volumes")) {
            String[] parts = volume.asText().split(":");
            if (parts.length < 2 || !(parts[0].startsWith(".") || parts[0].startsWith("/"))) {
                continue;
            }
            String target = parts[1];
            if (containerPath.equals(target) || containerPath.startsWith(target + "/")) {
                return COMPOSE.getParent()
                        .resolve(parts[0])
                        .resolve(containerPath.substring(target.length()).replaceFirst("^/", ""))
                        .normalize();
            }
        }
        return null;
    }

    private static void check(List<String> missing, String what, Path path) {
        if (!Files.exists(path)) {
            missing.add(what + ": " + ROOT.relativize(path));
        }
    }

    private static List<String> from(List<Instruction> file) {
        return args(file, "FROM").stream().map(a -> a.split("\\s+")[0]).toList();
    }

    private static List<String> args(List<Instruction> file, String keyword) {
        return file.stream()
                .filter(i -> i.keyword().equals(keyword))
                .map(Instruction::args)
                .toList();
    }

    private static String last(List<Instruction> file, String keyword) {
        List<String> all = args(file, keyword);
        return all.isEmpty() ? "" : all.get(all.size() - 1);
    }

    /** COPY sources from the build context (not from another stage) exist in the repository. */
    private static void assertCopySourcesExist(List<Instruction> file) {
        for (String copy : args(file, "COPY")) {
            List<String> words = new ArrayList<>(List.of(copy.split("\\s+")));
            if (words.stream().anyMatch(w -> w.startsWith("--from="))) {
                continue;
            }
            words.removeIf(w -> w.startsWith("--"));
            for (String source : words.subList(0, words.size() - 1)) {
                assertThat(ROOT.resolve(source)).as("COPY source " + source).exists();
            }
        }
    }

    /** One Dockerfile instruction: keyword and arguments, continuation lines joined. */
    record Instruction(String keyword, String args) {

        static List<Instruction> parse(Path dockerfile) throws IOException {
            List<Instruction> out = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            for (String line : Files.readAllLines(dockerfile)) {
                String l = line.strip();
                if (current.isEmpty() && (l.isEmpty() || l.startsWith("#"))) {
                    continue;
                }
                if (l.startsWith("#")) {
                    continue; // a comment inside a continued instruction
                }
                if (l.endsWith("\\")) {
                    current.append(l, 0, l.length() - 1).append(' ');
                    continue;
                }
                current.append(l);
                String[] kv = current.toString().strip().split("\\s+", 2);
                out.add(
                        new Instruction(
                                kv[0].toUpperCase(Locale.ROOT),
                                kv.length > 1 ? kv[1].replaceAll("\\s+", " ").strip() : ""));
                current.setLength(0);
            }
            assertThat(current.toString()).as("unfinished instruction in " + dockerfile).isEmpty();
            return out;
        }
    }
}
