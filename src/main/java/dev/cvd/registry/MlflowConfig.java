package dev.cvd.registry;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the MLflow tracking server is and how to authenticate: HTTP basic when a user name and
 * password are given (as MLflow's own clients do), otherwise a bearer token when one is given,
 * otherwise none. {@link #toString()} never shows the secrets.
 *
 * @param trackingUri the tracking server, {@code http(s)://host:port[/prefix]}
 * @param username basic-auth user, or null
 * @param password basic-auth password, or null
 * @param token bearer token, or null
 */
public record MlflowConfig(URI trackingUri, String username, String password, String token) {

    /** The standard MLflow environment variables. */
    public static final String ENV_URI = "MLFLOW_TRACKING_URI";

    public static final String ENV_USERNAME = "MLFLOW_TRACKING_USERNAME";
    public static final String ENV_PASSWORD = "MLFLOW_TRACKING_PASSWORD";
    public static final String ENV_TOKEN = "MLFLOW_TRACKING_TOKEN";

    /**
     * @throws IllegalArgumentException when the URI is not an http or https URL
     */
    public MlflowConfig {
        Objects.requireNonNull(trackingUri, "trackingUri");
        String scheme = trackingUri.getScheme();
        if (scheme == null
                || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                || trackingUri.getHost() == null) {
            throw new IllegalArgumentException(
                    "MLflow tracking URI must be an http(s) URL of a tracking server, not "
                            + redact(trackingUri));
        }
        username = blankToNull(username);
        password = blankToNull(password);
        token = blankToNull(token);
    }

    /**
     * The configuration from explicit values, each falling back to its MLflow environment variable.
     *
     * @param uri the tracking URI, or empty to use {@code MLFLOW_TRACKING_URI}
     * @param username user, or empty for {@code MLFLOW_TRACKING_USERNAME}
     * @param password password, or empty for {@code MLFLOW_TRACKING_PASSWORD}
     * @param token token, or empty for {@code MLFLOW_TRACKING_TOKEN}
     * @param env the environment, {@code System.getenv()} in production
     * @return the configuration, or empty when no tracking URI is set anywhere
     */
    public static Optional<MlflowConfig> resolve(
            Optional<String> uri,
            Optional<String> username,
            Optional<String> password,
            Optional<String> token,
            Map<String, String> env) {
        Optional<String> u = uri.filter(s -> !s.isBlank()).or(() -> env(env, ENV_URI));
        if (u.isEmpty()) {
            return Optional.empty();
        }
        String base = u.get().trim();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return Optional.of(
                new MlflowConfig(
                        URI.create(base),
                        username.or(() -> env(env, ENV_USERNAME)).orElse(null),
                        password.or(() -> env(env, ENV_PASSWORD)).orElse(null),
                        token.or(() -> env(env, ENV_TOKEN)).orElse(null)));
    }

    /** A configuration without credentials. */
    public static MlflowConfig of(String uri) {
        return new MlflowConfig(URI.create(uri), null, null, null);
    }

    /**
     * @return the tracking URI without any user info, fit for logs and messages
     */
    public String displayUri() {
        return redact(trackingUri);
    }

    @Override
    public String toString() {
        String auth =
                username != null && password != null ? "basic" : token != null ? "bearer" : "none";
        return "MlflowConfig[" + displayUri() + ", auth " + auth + "]";
    }

    private static String redact(URI uri) {
        if (uri.getUserInfo() == null) {
            return uri.toString();
        }
        return uri.toString().replace(uri.getRawUserInfo() + "@", "");
    }

    private static Optional<String> env(Map<String, String> env, String key) {
        return Optional.ofNullable(env.get(key)).filter(s -> !s.isBlank());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
