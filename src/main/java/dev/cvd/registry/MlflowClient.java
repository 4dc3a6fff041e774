package dev.cvd.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A small client of MLflow's REST API 2.0 on {@code java.net.http}: experiments, runs (parameters,
 * metrics, tags), the model registry (registered models, versions, aliases) and artifacts through
 * the tracking server's artifact proxy ({@code /api/2.0/mlflow-artifacts/artifacts/<path>}, on by
 * default in MLflow 2 and later), so no Python is needed on this side.
 *
 * <p>Every failure is an {@link MlflowException} with MLflow's {@code error_code} and message, or
 * the transport error when the server cannot be reached. Credentials go in the {@code
 * Authorization} header only and never into messages. Thread-safe; one instance can be shared.
 */
public final class MlflowClient {

    /** Artifact locations that the tracking server's proxy serves. */
    public static final String PROXY_SCHEME = "mlflow-artifacts:";

    /** MLflow's per-request limits of {@code runs/log-batch}. */
    private static final int MAX_PARAMS = 100;

    private static final int MAX_METRICS = 1000;
    private static final int MAX_TAGS = 100;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MlflowConfig config;
    private final HttpClient http;
    private final Duration timeout;
    private final String authorization;

    /** A client with 10 s connect and 60 s request timeouts. */
    public MlflowClient(MlflowConfig config) {
        this(config, Duration.ofSeconds(10), Duration.ofSeconds(60));
    }

    /**
     * @param config the server and credentials
     * @param connectTimeout how long to wait for a connection
     * @param requestTimeout how long to wait for an answer
     */
    public MlflowClient(MlflowConfig config, Duration connectTimeout, Duration requestTimeout) {
        this.config = config;
        this.timeout = requestTimeout;
        this.http =
                HttpClient.newBuilder()
                        .connectTimeout(connectTimeout)
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .build();
        if (config.username() != null && config.password() != null) {
            this.authorization =
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString(
                                            (config.username() + ":" + config.password())
                                                    .getBytes(StandardCharsets.UTF_8));
        } else if (config.token() != null) {
            this.authorization = "Bearer " + config.token();
        } else {
            this.authorization = null;
        }
    }

    /**
     * @return the server and credentials
     */
    public MlflowConfig config() {
        return config;
    }

    // ---- experiments ----

    /**
     * @return the id of the experiment of that name, or empty if there is none
     */
    public Optional<String> experimentIdByName(String name) throws MlflowException {
        try {
            JsonNode r = get("mlflow/experiments/get-by-name", Map.of("experiment_name", name));
            return Optional.of(r.path("experiment").path("experiment_id").asText());
        } catch (MlflowException e) {
            if (e.notFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * @return the id of the new experiment
     */
    public String createExperiment(String name) throws MlflowException {
        ObjectNode body = JSON.createObjectNode().put("name", name);
        return post("mlflow/experiments/create", body).path("experiment_id").asText();
    }

    /**
     * @return the id of the experiment of that name, created when missing
     */
    public String experimentId(String name) throws MlflowException {
        Optional<String> id = experimentIdByName(name);
        if (id.isPresent()) {
            return id.get();
        }
        try {
            return createExperiment(name);
        } catch (MlflowException e) {
            // Someone else created it in between.
            if ("RESOURCE_ALREADY_EXISTS".equals(e.errorCode())) {
                return experimentIdByName(name).orElseThrow(() -> e);
            }
            throw e;
        }
    }

    // ---- runs ----

    /**
     * Starts a run.
     *
     * @param experimentId its experiment
     * @param runName the run name shown in the UI, or null
     * @param tags run tags
     * @return the run
     */
    public RunInfo createRun(String experimentId, String runName, Map<String, String> tags)
            throws MlflowException {
        ObjectNode body =
                JSON.createObjectNode()
                        .put("experiment_id", experimentId)
                        .put("start_time", System.currentTimeMillis());
        if (runName != null) {
            body.put("run_name", runName);
        }
        body.set("tags", keyValues(tags));
        return runInfo(post("mlflow/runs/create", body).path("run").path("info"));
    }

    /**
     * Ends a run.
     *
     * @param status FINISHED, FAILED or KILLED
     */
    public void updateRun(String runId, String status) throws MlflowException {
        ObjectNode body =
                JSON.createObjectNode()
                        .put("run_id", runId)
                        .put("status", status)
                        .put("end_time", System.currentTimeMillis());
        post("mlflow/runs/update", body);
    }

    /**
     * Logs parameters, metrics (step 0, now) and tags, in as many batches as MLflow's limits need.
     * Non-finite metric values are left out: JSON cannot carry them.
     */
    public void logBatch(
            String runId,
            Map<String, String> params,
            Map<String, Double> metrics,
            Map<String, String> tags)
            throws MlflowException {
        long now = System.currentTimeMillis();
        List<Map.Entry<String, String>> p = new ArrayList<>(params.entrySet());
        List<Map.Entry<String, Double>> m =
                metrics.entrySet().stream().filter(e -> Double.isFinite(e.getValue())).toList();
        List<Map.Entry<String, String>> t = new ArrayList<>(tags.entrySet());
        int i = 0;
        int j = 0;
        int k = 0;
        do {
            ObjectNode body = JSON.createObjectNode().put("run_id", runId);
            ArrayNode ps = body.putArray("params");
            for (int n = 0; n < MAX_PARAMS && i < p.size(); n++, i++) {
                ps.addObject().put("key", p.get(i).getKey()).put("value", p.get(i).getValue());
            }
            ArrayNode ms = body.putArray("metrics");
            for (int n = 0; n < MAX_METRICS && j < m.size(); n++, j++) {
                ms.addObject()
                        .put("key", m.get(j).getKey())
                        .put("value", m.get(j).getValue())
                        .put("timestamp", now)
                        .put("step", 0);
            }
            ArrayNode ts = body.putArray("tags");
            for (int n = 0; n < MAX_TAGS && k < t.size(); n++, k++) {
                ts.addObject().put("key", t.get(k).getKey()).put("value", t.get(k).getValue());
            }
            post("mlflow/runs/log-batch", body);
        } while (i < p.size() || j < m.size() || k < t.size());
    }

    /**
     * @return the run with its latest metrics, parameters and tags
     */
    public RunData getRun(String runId) throws MlflowException {
        JsonNode run = get("mlflow/runs/get", Map.of("run_id", runId)).path("run");
        JsonNode data = run.path("data");
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (JsonNode n : data.path("metrics")) {
            metrics.put(n.path("key").asText(), n.path("value").asDouble());
        }
        return new RunData(
                runInfo(run.path("info")),
                metrics,
                readKeyValues(data.path("params")),
                readKeyValues(data.path("tags")));
    }

    // ---- registry ----

    /**
     * @return the registered model, or empty if there is none of that name
     */
    public Optional<RegisteredModel> getRegisteredModel(String name) throws MlflowException {
        try {
            return Optional.of(
                    registeredModel(
                            get("mlflow/registered-models/get", Map.of("name", name))
                                    .path("registered_model")));
        } catch (MlflowException e) {
            if (e.notFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * @return the new registered model
     */
    public RegisteredModel createRegisteredModel(String name, String description)
            throws MlflowException {
        ObjectNode body = JSON.createObjectNode().put("name", name);
        if (description != null) {
            body.put("description", description);
        }
        return registeredModel(
                post("mlflow/registered-models/create", body).path("registered_model"));
    }

    /**
     * @return all registered models, following pages
     */
    public List<RegisteredModel> searchRegisteredModels() throws MlflowException {
        List<RegisteredModel> all = new ArrayList<>();
        String page = null;
        do {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("max_results", "1000");
            if (page != null) {
                q.put("page_token", page);
            }
            JsonNode r = get("mlflow/registered-models/search", q);
            for (JsonNode n : r.path("registered_models")) {
                all.add(registeredModel(n));
            }
            page = r.path("next_page_token").asText(null);
        } while (page != null && !page.isEmpty());
        return all;
    }

    /**
     * Creates a new version of a registered model.
     *
     * @param source where its files are (an artifact URI of the run)
     * @param runId the run that made it, or null
     * @param tags version tags
     */
    public ModelVersion createModelVersion(
            String name, String source, String runId, Map<String, String> tags)
            throws MlflowException {
        ObjectNode body = JSON.createObjectNode().put("name", name).put("source", source);
        if (runId != null) {
            body.put("run_id", runId);
        }
        body.set("tags", keyValues(tags));
        return modelVersion(post("mlflow/model-versions/create", body).path("model_version"));
    }

    /**
     * @return the version
     * @throws MlflowException RESOURCE_DOES_NOT_EXIST when there is no such version
     */
    public ModelVersion getModelVersion(String name, String version) throws MlflowException {
        return modelVersion(
                get("mlflow/model-versions/get", Map.of("name", name, "version", version))
                        .path("model_version"));
    }

    /**
     * @return the versions of a registered model, newest first
     */
    public List<ModelVersion> searchModelVersions(String name) throws MlflowException {
        List<ModelVersion> all = new ArrayList<>();
        String page = null;
        do {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("filter", "name='" + name.replace("'", "\\'") + "'");
            q.put("max_results", "10000");
            if (page != null) {
                q.put("page_token", page);
            }
            JsonNode r = get("mlflow/model-versions/search", q);
            for (JsonNode n : r.path("model_versions")) {
                all.add(modelVersion(n));
            }
            page = r.path("next_page_token").asText(null);
        } while (page != null && !page.isEmpty());
        all.sort((a, b) -> Long.compare(b.number(), a.number()));
        return all;
    }

    /** Sets a tag on a model version. */
    public void setModelVersionTag(String name, String version, String key, String value)
            throws MlflowException {
        ObjectNode body =
                JSON.createObjectNode()
                        .put("name", name)
                        .put("version", version)
                        .put("key", key)
                        .put("value", value);
        post("mlflow/model-versions/set-tag", body);
    }

    /** Points an alias of a registered model at a version (moving it if it pointed elsewhere). */
    public void setAlias(String name, String alias, String version) throws MlflowException {
        ObjectNode body =
                JSON.createObjectNode()
                        .put("name", name)
                        .put("alias", alias)
                        .put("version", version);
        post("mlflow/registered-models/alias", body);
    }

    /**
     * @return the version the alias points to, or empty when the model or the alias does not exist
     */
    public Optional<ModelVersion> getModelVersionByAlias(String name, String alias)
            throws MlflowException {
        try {
            return Optional.of(
                    modelVersion(
                            get(
                                            "mlflow/registered-models/alias",
                                            Map.of("name", name, "alias", alias))
                                    .path("model_version")));
        } catch (MlflowException e) {
            if (e.notFound() || "INVALID_PARAMETER_VALUE".equals(e.errorCode())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    // ---- artifacts ----

    /**
     * Uploads a file to {@code <artifactUri>/<relativePath>} through the artifact proxy.
     *
     * @param artifactUri a {@code mlflow-artifacts:} location, a run's artifact URI for example
     */
    public void uploadArtifact(String artifactUri, String relativePath, Path file)
            throws MlflowException {
        String path = join(proxyPath(artifactUri), relativePath);
        HttpRequest.Builder b;
        try {
            b =
                    request(artifactUrl(path, null))
                            .header("Content-Type", "application/octet-stream")
                            .PUT(HttpRequest.BodyPublishers.ofFile(file));
        } catch (IOException e) {
            throw new MlflowException(0, null, "cannot read " + file + ": " + e.getMessage(), e);
        }
        send(b.build(), "PUT artifacts/" + path, HttpResponse.BodyHandlers.ofByteArray());
    }

    /**
     * Uploads the regular files of a folder tree under {@code <artifactUri>/<relativeDir>}.
     *
     * @return the number of files uploaded
     */
    public int uploadDirectory(String artifactUri, String relativeDir, Path dir)
            throws MlflowException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new MlflowException(0, null, "cannot list " + dir + ": " + e.getMessage(), e);
        }
        for (Path f : files) {
            String rel = dir.relativize(f).toString().replace('\\', '/');
            uploadArtifact(artifactUri, join(relativeDir, rel), f);
        }
        return files.size();
    }

    /**
     * @return the entries of an artifact folder, empty when it has none or does not exist
     */
    public List<ArtifactFile> listArtifacts(String artifactUri) throws MlflowException {
        String path = proxyPath(artifactUri);
        JsonNode r =
                json(
                        send(
                                request(artifactUrl(null, Map.of("path", path))).GET().build(),
                                "GET artifacts?path=" + path,
                                HttpResponse.BodyHandlers.ofByteArray()),
                        "list artifacts");
        List<ArtifactFile> files = new ArrayList<>();
        for (JsonNode n : r.path("files")) {
            String p = n.path("path").asText();
            String name = p.substring(p.lastIndexOf('/') + 1);
            files.add(
                    new ArtifactFile(
                            name, n.path("is_dir").asBoolean(), n.path("file_size").asLong()));
        }
        return files;
    }

    /**
     * Downloads an artifact folder tree into a local folder (created if needed).
     *
     * @param artifactUri a {@code mlflow-artifacts:} folder, or {@code runs:/<run_id>/<path>}
     * @return the number of files downloaded
     */
    public int downloadDirectory(String artifactUri, Path target) throws MlflowException {
        String uri = resolveRunsUri(artifactUri);
        int count = 0;
        try {
            Files.createDirectories(target);
        } catch (IOException e) {
            throw new MlflowException(
                    0, null, "cannot create " + target + ": " + e.getMessage(), e);
        }
        for (ArtifactFile f : listArtifacts(uri)) {
            String child = join(uri, f.name());
            if (f.directory()) {
                count += downloadDirectory(child, target.resolve(f.name()));
            } else {
                downloadArtifact(child, target.resolve(f.name()));
                count++;
            }
        }
        return count;
    }

    /** Downloads one artifact file, replacing the target file. */
    public void downloadArtifact(String artifactUri, Path target) throws MlflowException {
        String path = proxyPath(artifactUri);
        HttpResponse<InputStream> r =
                send(
                        request(artifactUrl(path, null)).GET().build(),
                        "GET artifacts/" + path,
                        HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new MlflowException(
                    0, null, "download of artifacts/" + path + " failed: " + e.getMessage(), e);
        }
    }

    /** The artifact URI of a {@code runs:/<run_id>/<path>} reference; any other URI as it is. */
    public String resolveRunsUri(String uri) throws MlflowException {
        if (!uri.startsWith("runs:/")) {
            return uri;
        }
        String rest = uri.substring("runs:/".length());
        int slash = rest.indexOf('/');
        String runId = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash + 1);
        return join(getRun(runId).info().artifactUri(), path);
    }

    /**
     * The path under the proxy's root of a {@code mlflow-artifacts:} URI: {@code
     * mlflow-artifacts:/1/abc/artifacts} and {@code mlflow-artifacts://host:port/1/abc/artifacts}
     * both give {@code 1/abc/artifacts}.
     *
     * @throws MlflowException when the location is not served by the tracking server's proxy
     */
    static String proxyPath(String artifactUri) throws MlflowException {
        if (artifactUri == null || !artifactUri.startsWith(PROXY_SCHEME)) {
            throw new MlflowException(
                    0,
                    "UNSUPPORTED_ARTIFACT_LOCATION",
                    "artifact location "
                            + artifactUri
                            + " is not served by the tracking server's artifact proxy; start the"
                            + " server with --serve-artifacts (the default) and no"
                            + " --default-artifact-root outside mlflow-artifacts:",
                    null);
        }
        String rest = artifactUri.substring(PROXY_SCHEME.length());
        if (rest.startsWith("//")) {
            int slash = rest.indexOf('/', 2);
            rest = slash < 0 ? "" : rest.substring(slash);
        }
        while (rest.startsWith("/")) {
            rest = rest.substring(1);
        }
        while (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        return rest;
    }

    private static String join(String a, String b) {
        if (b == null || b.isEmpty()) {
            return a;
        }
        if (a.isEmpty()) {
            return b;
        }
        return a.endsWith("/") ? a + b : a + "/" + b;
    }

    // ---- HTTP ----

    private JsonNode get(String endpoint, Map<String, String> query) throws MlflowException {
        HttpRequest req = request(apiUrl(endpoint, query)).GET().build();
        return json(
                send(req, "GET " + endpoint, HttpResponse.BodyHandlers.ofByteArray()), endpoint);
    }

    private JsonNode post(String endpoint, JsonNode body) throws MlflowException {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new MlflowException(0, null, "cannot encode " + endpoint + ": " + e, e);
        }
        HttpRequest req =
                request(apiUrl(endpoint, null))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                        .build();
        return json(
                send(req, "POST " + endpoint, HttpResponse.BodyHandlers.ofByteArray()), endpoint);
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout);
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }

    private <T> HttpResponse<T> send(
            HttpRequest req, String what, HttpResponse.BodyHandler<T> handler)
            throws MlflowException {
        HttpResponse<T> r;
        try {
            r = http.send(req, handler);
        } catch (IOException e) {
            throw new MlflowException(
                    0,
                    null,
                    "MLflow at "
                            + config.displayUri()
                            + " unreachable ("
                            + what
                            + "): "
                            + (e.getMessage() == null
                                    ? e.getClass().getSimpleName()
                                    : e.getMessage()),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MlflowException(0, null, "interrupted during " + what, e);
        }
        if (r.statusCode() / 100 != 2) {
            byte[] body = bodyBytes(r);
            String code = null;
            String message = new String(body, StandardCharsets.UTF_8).strip();
            try {
                JsonNode n = JSON.readTree(body);
                if (n != null && n.has("error_code")) {
                    code = n.path("error_code").asText();
                    message = n.path("message").asText();
                }
            } catch (IOException e) {
                // Not JSON (a proxy's error page, say): keep the text.
            }
            if (message.length() > 500) {
                message = message.substring(0, 500) + "...";
            }
            throw new MlflowException(
                    r.statusCode(),
                    code,
                    "MLflow "
                            + (code != null ? code + " " : "")
                            + "(HTTP "
                            + r.statusCode()
                            + ") on "
                            + what
                            + ": "
                            + message,
                    null);
        }
        return r;
    }

    private static byte[] bodyBytes(HttpResponse<?> r) {
        Object body = r.body();
        if (body instanceof byte[] b) {
            return b;
        }
        if (body instanceof InputStream in) {
            try (in) {
                return in.readNBytes(64 * 1024);
            } catch (IOException e) {
                return new byte[0];
            }
        }
        return new byte[0];
    }

    private static JsonNode json(HttpResponse<byte[]> r, String what) throws MlflowException {
        try {
            byte[] body = r.body();
            return body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            throw new MlflowException(r.statusCode(), null, what + ": answer is not JSON", e);
        }
    }

    private URI apiUrl(String endpoint, Map<String, String> query) {
        return URI.create(config.trackingUri() + "/api/2.0/" + endpoint + query(query));
    }

    private URI artifactUrl(String path, Map<String, String> query) {
        StringBuilder sb = new StringBuilder(config.trackingUri().toString());
        sb.append("/api/2.0/mlflow-artifacts/artifacts");
        if (path != null) {
            for (String segment : path.split("/")) {
                if (!segment.isEmpty()) {
                    sb.append('/').append(encode(segment));
                }
            }
        }
        return URI.create(sb + query(query));
    }

    private static String query(Map<String, String> query) {
        if (query == null || query.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (var e : query.entrySet()) {
            sb.append(sb.length() == 0 ? '?' : '&')
                    .append(encode(e.getKey()))
                    .append('=')
                    .append(encode(e.getValue()));
        }
        return sb.toString();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    // ---- JSON mapping ----

    private static ArrayNode keyValues(Map<String, String> map) {
        ArrayNode a = JSON.createArrayNode();
        if (map != null) {
            map.forEach((k, v) -> a.addObject().put("key", k).put("value", v));
        }
        return a;
    }

    private static Map<String, String> readKeyValues(JsonNode array) {
        Map<String, String> m = new LinkedHashMap<>();
        for (JsonNode n : array) {
            m.put(n.path("key").asText(), n.path("value").asText());
        }
        return m;
    }

    private static RunInfo runInfo(JsonNode info) {
        return new RunInfo(
                info.path("run_id").asText(info.path("run_uuid").asText()),
                info.path("experiment_id").asText(),
                info.path("artifact_uri").asText(),
                info.path("status").asText());
    }

    private static RegisteredModel registeredModel(JsonNode n) {
        Map<String, String> aliases = new LinkedHashMap<>();
        for (JsonNode a : n.path("aliases")) {
            aliases.put(a.path("alias").asText(), a.path("version").asText());
        }
        return new RegisteredModel(
                n.path("name").asText(), aliases, n.path("description").asText(""));
    }

    private static ModelVersion modelVersion(JsonNode n) {
        List<String> aliases = new ArrayList<>();
        for (JsonNode a : n.path("aliases")) {
            aliases.add(a.asText());
        }
        return new ModelVersion(
                n.path("name").asText(),
                n.path("version").asText(),
                n.path("source").asText(),
                n.hasNonNull("run_id") && !n.path("run_id").asText().isEmpty()
                        ? n.path("run_id").asText()
                        : null,
                n.path("status").asText(),
                readKeyValues(n.path("tags")),
                aliases,
                n.path("creation_timestamp").asLong());
    }
}
